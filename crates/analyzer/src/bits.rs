//! A fixed-size set of columns (statements and check-specific predicates).

/// Words of a [`Bits`]: room for 512 columns, more than two policies of IAM's largest
/// size can hold statements.
pub(crate) const WORDS: usize = 8;
pub(crate) const MAX_COLUMNS: usize = WORDS * 64;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub(crate) struct Bits([u64; WORDS]);

impl Bits {
    pub(crate) fn all() -> Bits {
        Bits([u64::MAX; WORDS])
    }

    pub(crate) fn set(&mut self, i: usize) {
        if let Some(w) = self.0.get_mut(i / 64) {
            *w |= 1u64 << (i % 64);
        }
    }

    pub(crate) fn clear(&mut self, i: usize) {
        if let Some(w) = self.0.get_mut(i / 64) {
            *w &= !(1u64 << (i % 64));
        }
    }

    pub(crate) fn get(&self, i: usize) -> bool {
        self.0
            .get(i / 64)
            .is_some_and(|w| w & (1u64 << (i % 64)) != 0)
    }

    pub(crate) fn and(&self, other: &Bits) -> Bits {
        let mut out = *self;
        for (a, b) in out.0.iter_mut().zip(other.0.iter()) {
            *a &= *b;
        }
        out
    }

    pub(crate) fn or(&self, other: &Bits) -> Bits {
        let mut out = *self;
        for (a, b) in out.0.iter_mut().zip(other.0.iter()) {
            *a |= *b;
        }
        out
    }

    pub(crate) fn intersects(&self, other: &Bits) -> bool {
        self.0.iter().zip(other.0.iter()).any(|(a, b)| a & b != 0)
    }

    /// The columns set, in order.
    pub(crate) fn ones(&self) -> impl Iterator<Item = usize> + '_ {
        (0..MAX_COLUMNS).filter(|i| self.get(*i))
    }
}
