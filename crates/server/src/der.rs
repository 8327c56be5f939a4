//! The little DER that reading and writing keys needs: definite-length elements read in
//! sequence, and elements written.

/// A DER element: tag, definite length, content.
pub fn der(tag: u8, content: &[u8]) -> Vec<u8> {
    let len = content.len();
    let mut out = vec![tag];
    if len < 0x80 {
        out.push(len as u8);
    } else {
        let bytes: Vec<u8> = len
            .to_be_bytes()
            .into_iter()
            .skip_while(|&b| b == 0)
            .collect();
        out.push(0x80 | bytes.len() as u8);
        out.extend_from_slice(&bytes);
    }
    out.extend_from_slice(content);
    out
}

/// Reads DER elements in sequence.
pub struct Der<'a>(pub &'a [u8]);

impl<'a> Der<'a> {
    /// The content of the next element, which must have `tag`.
    pub fn expect(&mut self, tag: u8) -> Option<&'a [u8]> {
        let (&found, rest) = self.0.split_first()?;
        if found != tag {
            return None;
        }
        let (&first, rest) = rest.split_first()?;
        let (len, rest) = if first < 0x80 {
            (first as usize, rest)
        } else {
            let count = (first & 0x7f) as usize;
            if count == 0 || count > 4 {
                return None;
            }
            let bytes = rest.get(..count)?;
            let len = bytes.iter().fold(0usize, |acc, &b| (acc << 8) | b as usize);
            (len, rest.get(count..)?)
        };
        let content = rest.get(..len)?;
        self.0 = rest.get(len..)?;
        Some(content)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn written_elements_read_back() {
        for len in [0usize, 5, 127, 128, 300, 70_000] {
            let content = vec![7u8; len];
            let encoded = der(0x04, &content);
            let mut reader = Der(&encoded);
            assert_eq!(reader.expect(0x04), Some(content.as_slice()));
            assert!(reader.0.is_empty());
        }
        assert_eq!(Der(&[0x30, 0x05, 0x01]).expect(0x30), None);
        assert_eq!(Der(&[0x04, 0x00]).expect(0x30), None);
        assert_eq!(Der(&[0x30, 0x85, 1, 1, 1, 1, 1]).expect(0x30), None);
    }
}
