//! The search over the product of dimensions.
//!
//! A statement applies to a request exactly when each dimension's part of it holds
//! (its action matches, its resource matches, its principal names the caller, and for
//! every condition key its conditions on that key hold): a conjunction over
//! dimensions. So the set of columns that hold for a request is the intersection of
//! the sets that hold for each of its dimension values, and the sets reachable by some
//! request are found by folding the dimensions one after the other, keeping one path
//! (the atom chosen in each dimension) per distinct set. Columns only ever disappear
//! along the fold, so a set that already lacks what the goal needs is dropped early.
use crate::fxhash::FxHashMap;

use crate::bits::Bits;

/// Intersections the fold may compute before it gives up (and the check fails safe).
const MAX_WORK: usize = 20_000_000;

/// Every reachable column set with one choice of atom per dimension that reaches it.
pub(crate) struct Reached {
    pub(crate) sets: Vec<(Bits, Vec<u32>)>,
    /// `false` when the number of sets hit `limit`: some may be missing.
    pub(crate) complete: bool,
}

/// Folds `dims` (for each dimension, the column set of each atom). `keep` says whether
/// a partial set can still satisfy the goal.
pub(crate) fn reach(dims: &[Vec<Bits>], keep: &dyn Fn(&Bits) -> bool, limit: usize) -> Reached {
    let mut current: Vec<(Bits, Vec<u32>)> = vec![(Bits::all(), Vec::new())];
    let mut complete = true;
    // Intersections computed in all, at most: a bound on the time a check can take.
    let mut work: usize = 0;
    for atoms in dims {
        // Atoms with the same column set are interchangeable: keep the first.
        let mut distinct: Vec<(u32, Bits)> = Vec::new();
        let mut seen_atoms: FxHashMap<Bits, ()> = FxHashMap::default();
        for (i, b) in atoms.iter().enumerate() {
            if seen_atoms.insert(*b, ()).is_none() {
                distinct.push((u32::try_from(i).unwrap_or(u32::MAX), *b));
            }
        }
        let mut next: Vec<(Bits, Vec<u32>)> = Vec::new();
        let mut index: FxHashMap<Bits, usize> = FxHashMap::default();
        'outer: for (set, path) in &current {
            for (i, b) in &distinct {
                work += 1;
                if work > MAX_WORK {
                    complete = false;
                    break 'outer;
                }
                let joined = set.and(b);
                if !keep(&joined) || index.contains_key(&joined) {
                    continue;
                }
                if next.len() >= limit {
                    complete = false;
                    break 'outer;
                }
                let mut p = path.clone();
                p.push(*i);
                index.insert(joined, next.len());
                next.push((joined, p));
            }
        }
        current = next;
        if current.is_empty() {
            break;
        }
    }
    Reached {
        sets: current,
        complete,
    }
}
