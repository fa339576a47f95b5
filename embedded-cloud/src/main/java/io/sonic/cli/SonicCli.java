package io.sonic.cli;

import io.sonic.model.ModelException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintWriter;

/** The headless interface: {@code sonic <command> [options]}. */
@Command(name = "sonic", mixinStandardHelpOptions = true, versionProvider = SonicCli.Version.class,
        description = {"Secure neural-network inference outsourced to two cloud servers.",
                "Run without a command, or with 'gui [--model=FILE]', to open the desktop app (it needs a display;"
                        + " 'xvfb-run -a ./sonic' gives it a virtual one)."},
        subcommands = {InspectCommand.class, InferCommand.class, UploadCommand.class, ServeCommand.class,
                DealerCommand.class, BenchCommand.class, ConformanceCommand.class,
                CommandLine.HelpCommand.class})
public final class SonicCli implements Runnable {
    /** Exit code for bad input: a model, file or option the user should fix. */
    public static final int EXIT_BAD_INPUT = 2;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Runs a command line and returns its exit code. */
    public static int execute(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cl = new CommandLine(new SonicCli());
        cl.setOut(out);
        cl.setErr(err);
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            if (ex instanceof ModelException || ex instanceof UserInputException) {
                commandLine.getErr().println("error: " + ex.getMessage());
                return EXIT_BAD_INPUT;
            }
            if (ex instanceof io.sonic.cloud.client.CloudException) {
                commandLine.getErr().println("error: " + ex.getMessage());
                return 1;
            }
            commandLine.getErr().println("internal error: " + ex);
            return 1;
        });
        int code = cl.execute(args);
        out.flush();
        err.flush();
        return code;
    }

    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(System.out, true);
        PrintWriter err = new PrintWriter(System.err, true);
        System.exit(execute(out, err, args));
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = SonicCli.class.getPackage().getImplementationVersion();
            return new String[] {"sonic " + (v == null ? "development build" : v)};
        }
    }
}
