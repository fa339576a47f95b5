package io.sonic.desktop;

import io.sonic.cli.SonicCli;

import java.io.PrintWriter;

/**
 * Entry point behind {@code ./sonic}: without arguments (or with {@code gui [--model=FILE]}) it opens
 * the desktop app, with other arguments it runs the headless command line. (Not an {@code Application} subclass, so that JavaFX loads from the
 * class path.)
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
            err.println("No display found (DISPLAY and WAYLAND_DISPLAY are unset), so the desktop app cannot open.");
            err.println("Use the headless commands instead, for example:");
            err.println("  ./sonic inspect --model sample-models/mnist-m2/mnist-m2.onnx");
            err.println("  ./sonic conformance --data /usr/share/libonnx-testdata/data");
            err.println("  ./sonic --help");
            err.println("or start the app under a virtual display: xvfb-run -a ./sonic");
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
