package io.sonic.desktop.app;

import javafx.application.Platform;
import javafx.concurrent.Task;

import java.util.concurrent.Callable;
import java.util.function.Consumer;

/**
 * The one adapter from background work to JavaFX: runs a job on a daemon thread as a {@link Task}
 * (progress, message, cancel) and delivers its result or failure on the FX thread. Nothing blocking
 * runs on the FX thread.
 */
public final class Background {
    private Background() {
    }

    /** A job that may report progress through the task it runs in. */
    @FunctionalInterface
    public interface Job<T> {
        T run(Task<T> task) throws Exception;
    }

    public static <T> Task<T> run(String name, Job<T> job, Consumer<T> onSuccess, Consumer<Throwable> onFailure) {
        Task<T> task = new Task<>() {
            @Override
            protected T call() throws Exception {
                return job.run(this);
            }

            /** Lets a job report progress from its own thread. */
            @Override
            public void updateProgress(double done, double max) {
                super.updateProgress(done, max);
            }

            @Override
            public void updateMessage(String message) {
                super.updateMessage(message);
            }
        };
        task.setOnSucceeded(e -> onSuccess.accept(task.getValue()));
        task.setOnFailed(e -> onFailure.accept(task.getException()));
        Thread t = new Thread(task, "sonic-" + name);
        t.setDaemon(true);
        t.start();
        return task;
    }

    public static <T> Task<T> run(String name, Callable<T> job, Consumer<T> onSuccess, Consumer<Throwable> onFailure) {
        return run(name, task -> job.call(), onSuccess, onFailure);
    }

    /** Runs on the FX thread (now if already there). */
    public static void fx(Runnable r) {
        if (Platform.isFxApplicationThread()) {
            r.run();
        } else {
            Platform.runLater(r);
        }
    }

    /** A message for the user from a failure: the cause's own message, never a stack trace. */
    public static String message(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null && c.getCause() != c && (c.getMessage() == null || c instanceof RuntimeException
                && c.getClass() == RuntimeException.class)) {
            c = c.getCause();
        }
        String m = c.getMessage();
        return m == null || m.isBlank() ? c.getClass().getSimpleName() : m;
    }
}
