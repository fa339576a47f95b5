package io.sonic.model.onnx;

import io.sonic.model.ModelException;
import io.sonic.model.Names;
import io.sonic.model.UnsupportedModelException;
import io.sonic.model.onnx.proto.OnnxProto.GraphProto;
import io.sonic.model.onnx.proto.OnnxProto.NodeProto;
import io.sonic.model.onnx.proto.OnnxProto.TensorProto;
import io.sonic.model.onnx.proto.OnnxProto.ValueInfoProto;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;

/**
 * Checks the wiring of a graph before anything walks it, and orders its nodes. Refused by name:
 * a graph input or initializer declared twice, a tensor written by two nodes, a node output that
 * shadows a graph input or an initializer, a node that reads its own output, a cycle (its nodes are
 * named) and an input that nothing provides (the node and the tensor are named). Nodes out of
 * topological order are sorted, keeping the file order wherever the data flow allows it.
 */
final class GraphCheck {
    private static final int CYCLE_NODES_SHOWN = 8;

    private GraphCheck() {
    }

    /** A node's name for messages and layers: its own, or op_index when it has none. */
    static String nodeName(NodeProto node, int index) {
        return node.getName().isEmpty() ? node.getOpType() + "_" + index : node.getName();
    }

    /** "node 'name' (Op)", both parts made printable. */
    static String where(NodeProto node, int index) {
        return "node " + Names.quote(nodeName(node, index)) + " (" + Names.clean(node.getOpType()) + ")";
    }

    /**
     * @param bound names of graph inputs given values by the caller
     * @return the indices of the graph's nodes in an order where each node comes after the nodes it reads
     */
    static int[] order(GraphProto graph, Set<String> bound) {
        if (graph.getSparseInitializerCount() > 0) {
            throw new UnsupportedModelException("the graph has sparse initializers ("
                    + Names.quote(graph.getSparseInitializer(0).getValues().getName())
                    + " …), which Sonic does not read; re-save the model with dense tensors");
        }
        Set<String> inputs = new HashSet<>();
        for (ValueInfoProto v : graph.getInputList()) {
            if (v.getName().isEmpty()) {
                throw new ModelException("a graph input has no name; the file may be damaged");
            }
            if (!inputs.add(v.getName())) {
                throw new ModelException("graph input " + Names.quote(v.getName()) + " is declared twice");
            }
        }
        Set<String> initializers = new HashSet<>();
        for (TensorProto t : graph.getInitializerList()) {
            if (t.getName().isEmpty()) {
                throw new ModelException("an initializer has no name; the file may be damaged");
            }
            if (!initializers.add(t.getName())) {
                throw new ModelException("initializer " + Names.quote(t.getName()) + " is defined twice");
            }
        }
        int n = graph.getNodeCount();
        Map<String, Integer> producer = new HashMap<>();
        for (int i = 0; i < n; i++) {
            NodeProto node = graph.getNode(i);
            for (String out : node.getOutputList()) {
                if (out.isEmpty()) {
                    continue;
                }
                if (initializers.contains(out)) {
                    throw new ModelException(where(node, i) + " writes " + Names.quote(out)
                            + ", which is already an initializer; every tensor must have one definition");
                }
                if (inputs.contains(out) || bound.contains(out)) {
                    throw new ModelException(where(node, i) + " writes " + Names.quote(out)
                            + ", which is already a graph input; every tensor must have one definition");
                }
                Integer before = producer.put(out, i);
                if (before != null) {
                    throw new ModelException(before == i
                            ? where(node, i) + " lists its output " + Names.quote(out) + " twice"
                            : "tensor " + Names.quote(out) + " is written by both " + where(graph.getNode(before), before)
                            + " and " + where(node, i) + "; every tensor must have one definition");
                }
            }
        }
        List<List<Integer>> readers = new ArrayList<>(n);
        int[] pending = new int[n];
        for (int i = 0; i < n; i++) {
            readers.add(new ArrayList<>(1));
        }
        for (int i = 0; i < n; i++) {
            NodeProto node = graph.getNode(i);
            Set<Integer> deps = new HashSet<>();
            for (String in : node.getInputList()) {
                if (in.isEmpty()) {
                    continue;
                }
                Integer p = producer.get(in);
                if (p == null) {
                    if (!inputs.contains(in) && !initializers.contains(in) && !bound.contains(in)) {
                        throw new ModelException(where(node, i) + " reads tensor " + Names.quote(in)
                                + ", which no node produces and which is neither an initializer nor a graph input;"
                                + " the file may be truncated or damaged");
                    }
                } else if (p == i) {
                    throw new ModelException(where(node, i) + " reads its own output " + Names.quote(in)
                            + "; a node cannot depend on itself");
                } else if (deps.add(p)) {
                    readers.get(p).add(i);
                    pending[i]++;
                }
            }
        }
        PriorityQueue<Integer> ready = new PriorityQueue<>();
        for (int i = 0; i < n; i++) {
            if (pending[i] == 0) {
                ready.add(i);
            }
        }
        int[] order = new int[n];
        int done = 0;
        while (!ready.isEmpty()) {
            int i = ready.poll();
            order[done++] = i;
            for (int r : readers.get(i)) {
                if (--pending[r] == 0) {
                    ready.add(r);
                }
            }
        }
        if (done < n) {
            throw cycle(graph, producer, pending);
        }
        return order;
    }

    /** Names the nodes of one cycle among those left unordered (each has an unordered producer). */
    private static ModelException cycle(GraphProto graph, Map<String, Integer> producer, int[] pending) {
        int start = 0;
        while (pending[start] == 0) {
            start++;
        }
        Map<Integer, Integer> position = new HashMap<>();
        List<Integer> path = new ArrayList<>();
        int u = start;
        while (!position.containsKey(u)) {
            position.put(u, path.size());
            path.add(u);
            int next = -1;
            for (String in : graph.getNode(u).getInputList()) {
                Integer p = in.isEmpty() ? null : producer.get(in);
                if (p != null && pending[p] > 0) {
                    next = p;
                    break;
                }
            }
            u = next;
        }
        List<Integer> loop = new ArrayList<>(path.subList(position.get(u), path.size()));
        StringBuilder b = new StringBuilder();
        int shown = Math.min(loop.size(), CYCLE_NODES_SHOWN);
        for (int k = 0; k < shown; k++) {
            int i = loop.get(loop.size() - 1 - k);
            b.append(k == 0 ? "" : " -> ").append(where(graph.getNode(i), i));
        }
        if (shown < loop.size()) {
            b.append(" -> … (").append(loop.size()).append(" nodes in all)");
        } else {
            int first = loop.get(loop.size() - 1);
            b.append(" -> back to ").append(where(graph.getNode(first), first));
        }
        return new ModelException("the graph has a cycle: " + b + "; each of these nodes reads what the one before it"
                + " writes, but an ONNX graph must be acyclic");
    }
}
