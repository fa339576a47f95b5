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
        cl.setParameterExceptionHandler((ex, given) -> {
            CommandLine c = ex.getCommandLine();
            PrintWriter e = c.getErr();
            java.util.List<String> unknown = c.getUnmatchedArguments();
            String help = "; '" + c.getCommandSpec().qualifiedName() + " --help' lists the options";
            if (!(ex instanceof CommandLine.UnmatchedArgumentException) && !unknown.isEmpty()) {
                // a mistyped option is the cause; what it left missing is only its consequence
                e.println("error: unknown option or argument " + String.join(", ", unknown.stream()
                        .map(a -> "'" + a + "'").toList()) + suggestion(c, unknown.get(0)) + help);
            } else {
                e.println("error: " + ex.getMessage().strip() + (ex instanceof CommandLine.UnmatchedArgumentException u
                        && !u.getUnmatched().isEmpty() ? suggestion(c, u.getUnmatched().get(0)) : "") + help);
            }
            return EXIT_BAD_INPUT;
        });
        int code = cl.execute(args);
        out.flush();
        err.flush();
        return code;
    }

    /** " (did you mean --model?)" for an option close to one of the command's, else "". */
    private static String suggestion(CommandLine c, String given) {
        String best = null;
        int bestDistance = 3;
        for (String name : c.getCommandSpec().optionsMap().keySet()) {
            int d = distance(given.contains("=") ? given.substring(0, given.indexOf('=')) : given, name);
            if (d < bestDistance) {
                bestDistance = d;
                best = name;
            }
        }
        return best == null ? "" : " (did you mean " + best + "?)";
    }

    /** Edit distance with adjacent transpositions. */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
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
