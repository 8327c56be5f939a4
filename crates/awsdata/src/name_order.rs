//! ASCII case-insensitive ordering, the way IAM compares service prefixes and action
//! names. Tables are sorted with it so lookups are binary searches without allocating.

use std::cmp::Ordering;

pub(crate) fn cmp_ignore_ascii_case(a: &str, b: &str) -> Ordering {
    let a = a.bytes().map(|c| c.to_ascii_lowercase());
    let b = b.bytes().map(|c| c.to_ascii_lowercase());
    a.cmp(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn orders_without_regard_to_case() {
        assert_eq!(
            cmp_ignore_ascii_case("GetObject", "getobject"),
            Ordering::Equal
        );
        assert_eq!(cmp_ignore_ascii_case("a", "B"), Ordering::Less);
        assert_eq!(cmp_ignore_ascii_case("List", "list2"), Ordering::Less);
        assert_eq!(cmp_ignore_ascii_case("s3", "S3express"), Ordering::Less);
    }
}
