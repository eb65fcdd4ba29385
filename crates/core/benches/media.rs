//! Media benchmark: a 12-megapixel photo to 2560 px, our pipeline vs `vipsthumbnail`.

fn main() {}
