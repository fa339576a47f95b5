package io.sonic.engine.layer;

import io.sonic.engine.CostModel;
import io.sonic.engine.SecureConfig;
import io.sonic.engine.SecureParty;
import io.sonic.engine.protocol.ProtocolId;
import io.sonic.engine.protocol.ProtocolName;
import io.sonic.model.ModelGraph;
import io.sonic.model.layer.Layer;
import io.sonic.engine.SampleModels;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The registry is exhaustive: every kind of layer the importer can produce has its secure protocol. */
class LayerProtocolsTest {
    @Test
    void everyPermittedLayerKindHasItsProtocol() {
        Set<Class<?>> kinds = Arrays.stream(Layer.class.getPermittedSubclasses()).collect(Collectors.toSet());
        assertFalse(kinds.isEmpty());
        assertEquals(kinds, LayerProtocols.kinds(), "one protocol per kind of Layer, no more and no fewer");
    }

    @Test
    void everyLayerOfTheSampleModelsIsNamedAndPricedUnderBothSuites() {
        for (String name : new String[] {"mnist-m2", "breast-cancer"}) {
            ModelGraph g = new SampleModels(name).graph();
            for (SecureConfig.Suite suite : SecureConfig.Suite.values()) {
                SecureConfig cfg = SecureConfig.DEFAULT.withSuite(suite);
                for (int i = 0; i < g.layers().size(); i++) {
                    ProtocolId p = SecureParty.protocol(g, i, cfg);
                    assertNotNull(p);
                    assertTrue(p.main().suite() == null || p.main().suite() == suite, p + " under " + suite);
                    assertEquals(p, ProtocolId.parse(p.code()), "the wire form reads back");
                    assertNotNull(CostModel.of(g, i, cfg));
                }
            }
        }
    }

    @Test
    void protocolCodesAreCheckedWhenRead() {
        assertEquals(new ProtocolId(ProtocolName.BEAVER_CONV, ProtocolName.FSS_TRUNCATION),
                ProtocolId.parse("BEAVER_CONV+FSS_TRUNCATION"));
        assertThrows(IllegalArgumentException.class, () -> ProtocolId.parse("MSB ReLU"));
        assertThrows(IllegalArgumentException.class, () -> ProtocolId.parse("MSB_TRUNCATION"));
        assertThrows(IllegalArgumentException.class, () -> ProtocolId.parse("FSS_RELU+FSS_RELU"));
    }
}
