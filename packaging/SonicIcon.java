import javax.imageio.ImageIO;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Line2D;
import java.awt.geom.RoundRectangle2D;
import java.awt.image.BufferedImage;
import java.io.File;
import java.io.IOException;

/**
 * Draws Sonic's application icon: a small neural network on a dark rounded square, its left half in
 * the blue and its right half in the red of the app's weight heatmaps, as two shares that only
 * together make the model. Run with {@code java packaging/SonicIcon.java desktop-app/src/main/resources/io/sonic/desktop/sonic.png [SIZE]}.
 */
public final class SonicIcon {
    private SonicIcon() {
    }

    public static void main(String[] args) throws IOException {
        String out = args.length > 0 ? args[0] : "sonic.png";
        int size = args.length > 1 ? Integer.parseInt(args[1]) : 256;
        BufferedImage img = new BufferedImage(size, size, BufferedImage.TYPE_INT_ARGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
        g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
        double s = size / 256.0;
        g.scale(s, s);

        // background: rounded square, navy to slate
        g.setPaint(new GradientPaint(0, 0, new Color(0x1d2b53), 0, 256, new Color(0x2f4f7f)));
        g.fill(new RoundRectangle2D.Double(8, 8, 240, 240, 56, 56));

        // a 3-4-2 network; x positions of the layers
        double[] xs = {62, 128, 194};
        double[][] ys = {{80, 128, 176}, {62, 106, 150, 194}, {100, 156}};
        Color blue = new Color(0x5b9bd5);
        Color red = new Color(0xe06666);
        Color white = new Color(0xf4f6fb);

        // edges, coloured by the side of the middle they lie on
        g.setStroke(new BasicStroke(5f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
        for (int l = 0; l < 2; l++) {
            for (double y0 : ys[l]) {
                for (double y1 : ys[l + 1]) {
                    g.setColor(withAlpha(l == 0 ? blue : red, 200));
                    g.draw(new Line2D.Double(xs[l], y0, xs[l + 1], y1));
                }
            }
        }
        // nodes: input layer blue, output layer red, the middle layer where both meet white
        for (int l = 0; l < 3; l++) {
            for (double y : ys[l]) {
                Color c = l == 0 ? blue : l == 2 ? red : white;
                double r = l == 1 ? 15 : 17;
                g.setColor(new Color(0x1d2b53));
                g.fill(new Ellipse2D.Double(xs[l] - r - 4, y - r - 4, 2 * r + 8, 2 * r + 8));
                g.setColor(c);
                g.fill(new Ellipse2D.Double(xs[l] - r, y - r, 2 * r, 2 * r));
            }
        }
        g.dispose();
        ImageIO.write(img, "png", new File(out));
    }

    private static Color withAlpha(Color c, int a) {
        return new Color(c.getRed(), c.getGreen(), c.getBlue(), a);
    }
}
