package io.sonic.desktop.app;

import org.junit.jupiter.api.Test;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The app's task runner: once shut down (the window closed), late events update nothing and throw nothing. */
class TasksTest {
    @Test
    void aLateEventAfterShutdownReachesNoUiAndThrowsNothing() throws Exception {
        ExecutorService ui = Executors.newSingleThreadExecutor();
        Tasks tasks = Tasks.pool(1, ui);
        AtomicInteger delivered = new AtomicInteger();
        tasks.ui(delivered::incrementAndGet);
        ui.submit(() -> { }).get(5, TimeUnit.SECONDS);
        assertEquals(1, delivered.get(), "delivered while running");
        tasks.shutdown();
        tasks.ui(delivered::incrementAndGet);
        ui.shutdownNow();
        assertTrue(ui.awaitTermination(5, TimeUnit.SECONDS));
        tasks.ui(delivered::incrementAndGet);
        assertEquals(1, delivered.get(), "nothing after shutdown");
    }

    @Test
    void aUiThatRejectsIsNotAnError() {
        ExecutorService ui = Executors.newSingleThreadExecutor();
        ui.shutdownNow();
        Tasks tasks = Tasks.pool(1, ui);
        try {
            tasks.ui(() -> {
                throw new AssertionError("must not run");
            });
        } finally {
            tasks.shutdown();
        }
    }
}
