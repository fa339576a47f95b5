package io.sonic.engine;

import io.sonic.engine.net.Round;
import io.sonic.engine.net.Traffic;
import io.sonic.model.Scores;

import java.util.List;

/**
 * What one secure query produced and cost. {@code output} is the decoded output the user
 * reconstructed (the logits, or a single label); traffic is as seen from server 0 (payload bytes
 * both directions between the servers), offline bytes are dealer → servers. Times: online is the two
 * servers' run without step-mode pauses, offline the dealer's work, total the whole query including the
 * user's split; paused is the time the servers waited for the user in step mode. {@code link} is the
 * network the servers simulated (as they report it). {@code preprocessing} is the traffic between the servers
 * when they made the query's correlated randomness themselves with oblivious transfer (as server 0 saw it,
 * session set-up included when this query began the session; {@link Traffic#ZERO} with a dealer).
 */
public record InferenceResult(double[] output, Integer label, long[] outputRing, List<LayerStat> layers,
                              Traffic online, long wireBytes, long offlineBytes, long onlineNanos, long offlineNanos,
                              long nanos, long pausedNanos, io.sonic.engine.net.LinkProfile link,
                              Traffic preprocessing) {

    /**
     * One layer's protocol, online traffic (payload), bytes on the wire (TLS records and framing
     * included; -1 when the servers share a process and no socket), offline bytes, time, and what each of
     * its rounds opened (as server 0 saw them).
     */
    public record LayerStat(int index, String name, String op, io.sonic.engine.protocol.ProtocolId protocol, Traffic online, long wireBytes,
                            long offlineBytes, long nanos, List<Round> rounds) {
        public LayerStat {
            rounds = rounds == null ? List.of() : List.copyOf(rounds);
        }
    }

    /** The predicted label: the secure argmax, or the label of the reconstructed logits ({@link Scores#label}). */
    public int predictedLabel() {
        return label != null ? label : Scores.label(output);
    }
}
