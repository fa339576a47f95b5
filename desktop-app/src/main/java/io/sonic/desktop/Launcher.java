package io.sonic.desktop;

import io.sonic.cli.SonicCli;

import java.io.PrintWriter;

/**
 * Entry point behind {@code ./sonic}: without arguments (or with {@code gui [--model=FILE]}) it opens
 * the desktop app, with other arguments it runs the headless command line. (Not an {@code Application}
 * subclass, so that JavaFX loads from the class path.) {@code -Dsonic.command} is how users start it
 * ({@code ./sonic} in a checkout), for the messages.
 */
public final class Launcher {
    private Launcher() {
    }

    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(System.out, true);
        PrintWriter err = new PrintWriter(System.err, true);
        boolean gui = args.length == 0 || args[0].equals("gui");
        if (!gui) {
            System.exit(SonicCli.execute(out, err, args));
        }
        if (!hasDisplay()) {
            String me = System.getProperty("sonic.command", "./sonic");
            java.nio.file.Path samples = io.sonic.desktop.model.SampleCatalog.root();
            java.nio.file.Path dir = samples == null ? java.nio.file.Path.of("sample-models", "mnist-m2")
                    : samples.resolve("mnist-m2");
            String m2 = dir.resolve("mnist-m2.onnx").toString();
            err.println("No display found (DISPLAY and WAYLAND_DISPLAY are unset), so the desktop app cannot open.");
            err.println("Use the headless commands instead, for example:");
            err.println("  " + me + " inspect --model " + m2);
            err.println("  " + me + " infer --model " + m2 + " --input " + dir.resolve("inputs.csv") + " --limit 3");
            err.println("  " + me + " --help");
            err.println("or start the app under a virtual display: xvfb-run -a " + me);
            System.exit(1);
        }
        SonicApp.launchApp(args.length == 0 ? args : java.util.Arrays.copyOfRange(args, 1, args.length));
    }

    static boolean hasDisplay() {
        String os = System.getProperty("os.name", "").toLowerCase();
        if (os.contains("win") || os.contains("mac")) {
            return true;
        }
        return notBlank(System.getenv("DISPLAY")) || notBlank(System.getenv("WAYLAND_DISPLAY"));
    }

    private static boolean notBlank(String s) {
        return s != null && !s.isBlank();
    }
}
