package io.sonic.cli;

import picocli.CommandLine.Option;

import java.util.List;

/** Where a node listens and which names its certificate carries (serve and dealer). */
final class NodeOptions {
    @Option(names = "--host", defaultValue = "127.0.0.1", description = "address to bind. Default: ${DEFAULT-VALUE}")
    String host;

    @Option(names = "--port", defaultValue = "0", description = "port to bind (0: any free port). Default: ${DEFAULT-VALUE}")
    int port;

    @Option(names = "--name", split = ",", paramLabel = "HOST",
            description = "further host names or addresses that clients use for this node (they go into its"
                    + " certificate; needed with --host 0.0.0.0)")
    List<String> names;
}
