package io.sonic.cli;

import io.sonic.cloud.tls.ClusterTrust;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/** The cluster secret option of serve and dealer. */
final class ClusterOptions {
    @Option(names = "--secret", paramLabel = "SECRET",
            description = "the cluster secret shared by both servers and the dealer (default: $SONIC_CLUSTER_SECRET,"
                    + " else DIR/cluster.secret, else a new one is made, stored there and printed)")
    String secret;

    String resolve(Path dataDir, PrintWriter out) {
        String s = secret != null ? secret : System.getenv("SONIC_CLUSTER_SECRET");
        Path file = dataDir.resolve("cluster.secret");
        try {
            if (s == null && Files.exists(file)) {
                s = Files.readString(file).trim();
            }
            if (s == null) {
                s = ClusterTrust.newSecret();
                Files.createDirectories(dataDir);
                Files.writeString(file, s + "\n");
                try {
                    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
                } catch (UnsupportedOperationException ignored) {
                    // not a POSIX file system
                }
                out.println("new cluster secret (give it to the other two nodes with --secret): " + s);
            }
        } catch (IOException e) {
            throw new UserInputException("cannot use the data folder " + dataDir + ": " + e.getMessage());
        }
        try {
            ClusterTrust.fromSecret(s);
        } catch (IllegalArgumentException e) {
            throw new UserInputException("bad cluster secret: " + e.getMessage());
        }
        return s;
    }
}
