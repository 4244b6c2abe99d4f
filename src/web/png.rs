//! A black-and-white image as PNG, written by hand: signature, header, the compressed rows, end.
//! Enough for QR codes to download and print, without an image library.

use std::io::Write;

/// `pixels` row by row, `true` for black; every row `width` long.
pub fn grayscale(width: u32, pixels: &[Vec<bool>]) -> Vec<u8> {
    let mut rows = Vec::with_capacity(pixels.len() * (width as usize + 1));
    for row in pixels {
        rows.push(0); // no filter
        rows.extend(row.iter().map(|&black| if black { 0 } else { 255 }));
    }
    let mut zlib = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    // Writing to a Vec cannot fail.
    let _ = zlib.write_all(&rows);
    let compressed = zlib.finish().unwrap_or_default();

    let mut header = Vec::with_capacity(13);
    header.extend(width.to_be_bytes());
    header.extend((pixels.len() as u32).to_be_bytes());
    header.extend([8, 0, 0, 0, 0]); // 8 bits, grayscale, deflate, no filter method, no interlace
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    chunk(&mut png, b"IHDR", &header);
    chunk(&mut png, b"IDAT", &compressed);
    chunk(&mut png, b"IEND", &[]);
    png
}

fn chunk(png: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    png.extend((data.len() as u32).to_be_bytes());
    png.extend(kind);
    png.extend(data);
    let mut crc = crc32fast::Hasher::new();
    crc.update(kind);
    crc.update(data);
    png.extend(crc.finalize().to_be_bytes());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_two_by_two_image_is_a_well_formed_png() {
        let png = grayscale(2, &[vec![true, false], vec![false, true]]);
        assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"));
        assert_eq!(&png[12..16], b"IHDR");
        assert_eq!(&png[16..24], &[0, 0, 0, 2, 0, 0, 0, 2]);
        assert!(png.ends_with(&[0, 0, 0, 0, b'I', b'E', b'N', b'D', 0xAE, 0x42, 0x60, 0x82]));
        let idat = png.windows(4).position(|w| w == b"IDAT").unwrap();
        let length = u32::from_be_bytes(png[idat - 4..idat].try_into().unwrap()) as usize;
        let mut rows = Vec::new();
        std::io::Read::read_to_end(
            &mut flate2::read::ZlibDecoder::new(&png[idat + 4..idat + 4 + length]),
            &mut rows,
        )
        .unwrap();
        assert_eq!(rows, [0, 0, 255, 0, 255, 0]);
    }
}
