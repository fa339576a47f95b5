package io.sonic.desktop.app;

import javafx.application.Platform;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Where the app's background work runs: a job runs off the UI thread and its result or failure is
 * delivered on the UI thread. The app uses {@link #pool()} (daemon threads, results on the JavaFX
 * thread, stopped by {@link #shutdown()} when the window closes); view-model tests use {@link #direct()},
 * which runs everything at once on the calling thread, so they need no JavaFX thread and no waiting.
 */
public interface Tasks {

    /** A job; it may look at its handle to stop early when cancelled. */
    @FunctionalInterface
    interface Job<T> {
        T run(Handle self) throws Exception;
    }

    /** A running or finished job. */
    interface Handle {
        /** Asks the job to stop; its callbacks are then not called. */
        void cancel();

        boolean cancelled();
    }

    /** Runs {@code job} in the background; exactly one of the callbacks is called on the UI thread, unless cancelled. */
    <T> Handle run(String name, Job<T> job, Consumer<T> onSuccess, Consumer<Throwable> onFailure);

    /** Runs {@code r} on the UI thread (now, when already there). */
    void ui(Runnable r);

    /** Stops the threads; jobs still running are interrupted, and nothing more reaches the UI. */
    void shutdown();

    /** A job that needs no handle. */
    default <T> Handle call(String name, java.util.concurrent.Callable<T> job, Consumer<T> onSuccess,
                            Consumer<Throwable> onFailure) {
        return run(name, h -> job.call(), onSuccess, onFailure);
    }

    /** A job whose outcome does not matter to the screen (a cancel request, a continue). */
    default Handle fire(String name, Runnable job, Consumer<Throwable> onFailure) {
        return run(name, h -> {
            job.run();
            return Boolean.TRUE;
        }, ok -> { }, onFailure);
    }

    /** A message for the user from a failure: the cause's own message, never a stack trace. */
    static String message(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null && c.getCause() != c && (c.getMessage() == null || c instanceof RuntimeException
                && c.getClass() == RuntimeException.class)) {
            c = c.getCause();
        }
        String m = c.getMessage();
        return m == null || m.isBlank() ? c.getClass().getSimpleName() : m;
    }

    /** Background threads (at most {@code threads} at once, daemons) and results on the JavaFX thread. */
    static Tasks pool(int threads) {
        return new Pool(threads, null);
    }

    /**
     * Background threads with results delivered through {@code ui} instead of the JavaFX thread: for tests
     * that need real concurrency (step mode waits for a "continue" from another thread) without JavaFX.
     */
    static Tasks pool(int threads, java.util.concurrent.Executor ui) {
        return new Pool(threads, ui);
    }

    /** {@link #pool(int)} with eight threads: enough for an inference, its controls, a health poll and an export. */
    static Tasks pool() {
        return pool(8);
    }

    /** Everything at once on the calling thread: for tests of view-models. */
    static Tasks direct() {
        return new Direct();
    }

    /** The app's runner. */
    final class Pool implements Tasks {
        private final ExecutorService threads;
        private final java.util.concurrent.Executor uiThread;
        /** Set by {@link #shutdown}: from then on nothing more reaches the UI (late events of a closed window). */
        private volatile boolean shut;

        Pool(int n, java.util.concurrent.Executor ui) {
            this.uiThread = ui;
            AtomicInteger count = new AtomicInteger();
            ThreadFactory f = r -> {
                Thread t = new Thread(r, "sonic-task-" + count.incrementAndGet());
                t.setDaemon(true);
                return t;
            };
            threads = Executors.newFixedThreadPool(n, f);
        }

        @Override
        public <T> Handle run(String name, Job<T> job, Consumer<T> onSuccess, Consumer<Throwable> onFailure) {
            PoolHandle h = new PoolHandle();
            h.future = threads.submit(() -> {
                Thread.currentThread().setName("sonic-" + name);
                T value;
                try {
                    value = job.run(h);
                } catch (Throwable t) {
                    if (!h.cancelled()) {
                        ui(() -> {
                            if (!h.cancelled()) {
                                onFailure.accept(t);
                            }
                        });
                    }
                    return;
                }
                ui(() -> {
                    if (!h.cancelled()) {
                        onSuccess.accept(value);
                    }
                });
            });
            return h;
        }

        @Override
        public void ui(Runnable r) {
            if (shut) {
                return;
            }
            if (uiThread != null) {
                try {
                    uiThread.execute(r);
                } catch (java.util.concurrent.RejectedExecutionException e) {
                    // the UI this pool delivered to has shut down: there is nothing left to update
                }
            } else if (Platform.isFxApplicationThread()) {
                r.run();
            } else {
                Platform.runLater(r);
            }
        }

        @Override
        public void shutdown() {
            shut = true;
            threads.shutdownNow();
            try {
                threads.awaitTermination(2, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        private static final class PoolHandle implements Handle {
            private final AtomicBoolean cancelled = new AtomicBoolean();
            private volatile Future<?> future;

            @Override
            public void cancel() {
                cancelled.set(true);
                Future<?> f = future;
                if (f != null) {
                    f.cancel(true);
                }
            }

            @Override
            public boolean cancelled() {
                return cancelled.get();
            }
        }
    }

    /** The tests' runner. */
    final class Direct implements Tasks {
        @Override
        public <T> Handle run(String name, Job<T> job, Consumer<T> onSuccess, Consumer<Throwable> onFailure) {
            AtomicBoolean cancelled = new AtomicBoolean();
            Handle h = new Handle() {
                @Override
                public void cancel() {
                    cancelled.set(true);
                }

                @Override
                public boolean cancelled() {
                    return cancelled.get();
                }
            };
            T value;
            try {
                value = job.run(h);
            } catch (Throwable t) {
                if (!cancelled.get()) {
                    onFailure.accept(t);
                }
                return h;
            }
            if (!cancelled.get()) {
                onSuccess.accept(value);
            }
            return h;
        }

        @Override
        public void ui(Runnable r) {
            r.run();
        }

        @Override
        public void shutdown() {
        }
    }
}
