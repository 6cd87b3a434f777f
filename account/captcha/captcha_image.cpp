// The captcha picture with libgd. Glyphs come from gd's built-in bold font, drawn pixel by pixel
// as turned, enlarged squares: large, solid letters with no font file to ship.
#include "account/captcha/captcha_image.hpp"

#include <gd.h>
#include <gdfontg.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <memory>
#include <numbers>
#include <stdexcept>

namespace caf::account {
namespace {

struct ImageDeleter {
    void operator()(gdImagePtr image) const { gdImageDestroy(image); }
};
using Image = std::unique_ptr<gdImage, ImageDeleter>;

// Uniform in [lo, hi] by rejection on 32 bits.
int uniform(Random& random, int lo, int hi) {
    const std::uint64_t span = static_cast<std::uint64_t>(hi - lo) + 1;
    const std::uint64_t limit = (std::uint64_t{1} << 32) / span * span;
    while (true) {
        std::array<std::byte, 4> bytes{};
        random.fill(bytes);
        std::uint64_t v = 0;
        for (auto b : bytes) v = (v << 8) | std::to_integer<std::uint64_t>(b);
        if (v < limit) return lo + static_cast<int>(v % span);
    }
}

// A light, slightly bluish grey between lo and hi.
int grey(Random& random, int lo, int hi) {
    const int base = uniform(random, lo, hi);
    return gdTrueColor(base + uniform(random, -8, 8) / 2, base, std::min(255, base + uniform(random, 0, 12)));
}

void noise_lines(gdImagePtr im, Random& random, int count, int lo, int hi, int max_thickness) {
    for (int i = 0; i < count; ++i) {
        gdImageSetThickness(im, uniform(random, 1, max_thickness));
        const int y1 = uniform(random, 5, captcha_image_height - 5);
        const int y2 = uniform(random, 5, captcha_image_height - 5);
        gdImageLine(im, uniform(random, 0, 40), y1, uniform(random, captcha_image_width - 40, captcha_image_width), y2,
                    grey(random, lo, hi));
    }
    gdImageSetThickness(im, 1);
}

void noise_dots(gdImagePtr im, Random& random, int count, int lo, int hi) {
    for (int i = 0; i < count; ++i) {
        const int x = uniform(random, 0, captcha_image_width - 1);
        const int y = uniform(random, 0, captcha_image_height - 1);
        const int size = uniform(random, 1, 2);
        gdImageFilledRectangle(im, x, y, x + size - 1, y + size - 1, grey(random, lo, hi));
    }
}

// One glyph of `font`, each of its pixels a square of side `scale`, turned by `degrees` about
// the glyph's centre placed at (cx, cy).
void draw_glyph(gdImagePtr im, gdFontPtr font, char ch, double cx, double cy, double scale, double degrees,
                int colour) {
    const int index = static_cast<unsigned char>(ch) - font->offset;
    if (index < 0 || index >= font->nchars) return;
    const double angle = degrees * std::numbers::pi / 180.0;
    const double cos_a = std::cos(angle), sin_a = std::sin(angle);
    const double half_w = font->w / 2.0, half_h = font->h / 2.0;
    const char* bits = font->data + static_cast<std::ptrdiff_t>(index) * font->w * font->h;
    for (int gy = 0; gy < font->h; ++gy) {
        for (int gx = 0; gx < font->w; ++gx) {
            if (!bits[gy * font->w + gx]) continue;
            gdPoint corners[4];
            // Slightly more than one pixel, so neighbouring squares overlap once turned.
            const std::array<std::array<double, 2>, 4> square{{{-0.05, -0.05}, {1.05, -0.05}, {1.05, 1.05}, {-0.05, 1.05}}};
            for (int k = 0; k < 4; ++k) {
                const double x = (gx + square[k][0] - half_w) * scale;
                const double y = (gy + square[k][1] - half_h) * scale;
                corners[k].x = static_cast<int>(std::lround(cx + x * cos_a - y * sin_a));
                corners[k].y = static_cast<int>(std::lround(cy + x * sin_a + y * cos_a));
            }
            gdImageFilledPolygon(im, corners, 4, colour);
        }
    }
}

}  // namespace

std::string render_png(const std::string& answer, Random& random) {
    // True colour: a palette would run out of entries on the noise and draw the letters in
    // whatever grey came closest.
    Image image(gdImageCreateTrueColor(captcha_image_width, captcha_image_height));
    if (!image) throw std::bad_alloc();
    gdImagePtr im = image.get();

    const int background =
        gdTrueColor(uniform(random, 236, 250), uniform(random, 238, 252), uniform(random, 240, 255));
    gdImageFilledRectangle(im, 0, 0, captcha_image_width - 1, captcha_image_height - 1, background);
    noise_dots(im, random, 260, 150, 215);
    noise_lines(im, random, 3, 140, 200, 2);

    gdFontPtr font = gdFontGetGiant();  // 9 × 15, bold
    const double margin = 14;
    const double slot = (captcha_image_width - 2 * margin) / static_cast<double>(answer.empty() ? 1 : answer.size());
    for (std::size_t i = 0; i < answer.size(); ++i) {
        const int colour = gdTrueColor(uniform(random, 10, 70), uniform(random, 10, 60), uniform(random, 30, 100));
        const double cx = margin + slot * (static_cast<double>(i) + 0.5) + uniform(random, -3, 3);
        const double cy = captcha_image_height / 2.0 + uniform(random, -6, 6);
        const double scale = uniform(random, 260, 290) / 100.0;
        draw_glyph(im, font, answer[i], cx, cy, scale, uniform(random, -18, 18), colour);
    }

    // A little noise over the letters: thin and lighter than they are, so they stay readable.
    noise_lines(im, random, 2, 150, 200, 1);
    noise_dots(im, random, 70, 120, 190);

    int size = 0;
    void* png = gdImagePngPtr(im, &size);
    if (!png) throw std::runtime_error("captcha: PNG encoding failed");
    std::string out(static_cast<const char*>(png), static_cast<std::size_t>(size));
    gdFree(png);
    return out;
}

}  // namespace caf::account
