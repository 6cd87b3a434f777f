// The captcha picture: dark, large, slightly shifted and turned letters over light noise, as a
// PNG drawn with libgd. Nothing but pixels: no text chunk, no comment, no file name.
#pragma once

#include <string>

#include "core/random.hpp"

namespace caf::account {

inline constexpr int captcha_image_width = 200;
inline constexpr int captcha_image_height = 70;

// A PNG of captcha_image_width × captcha_image_height showing `answer` (up to 6 characters of
// captcha_alphabet). `random` draws the offsets, angles, colours and noise.
std::string render_png(const std::string& answer, Random& random);

}  // namespace caf::account
