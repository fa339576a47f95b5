package io.sonic.cli;

import io.sonic.cloud.client.CloudClient;
import io.sonic.cloud.client.CloudException;
import io.sonic.cloud.server.NodeConfig;

import java.io.PrintWriter;
import java.net.URI;
import java.util.List;

/** Connecting the command line to remote servers. */
final class Remote {
    private Remote() {
    }

    static CloudClient connect(List<URI> servers, String ca, PrintWriter err) {
        try {
            return CloudClient.connect(servers, ca, NodeConfig.DEFAULT_TIMEOUT, w -> {
                err.println("note: " + w);
                err.flush();
            });
        } catch (CloudException e) {
            throw new UserInputException(e.getMessage());
        }
    }
}
