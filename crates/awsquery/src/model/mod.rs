//! The input shapes of IAM and STS operations, generated from botocore's models by
//! `scripts/gen-iam-shapes.py`: member names, nesting, required members and the
//! constraints the validator enforces.

use std::sync::{LazyLock, OnceLock};

use regex::Regex;

use crate::errors::Service;

pub(crate) mod iam;
pub(crate) mod sts;

/// An operation and the index of its input shape in [`ServiceModel::shapes`].
#[derive(Debug)]
pub struct Operation {
    pub name: &'static str,
    pub input: Option<usize>,
}

/// A pattern as AWS prints it, and the same for the `regex` crate (anchored).
#[derive(Debug)]
pub struct Pattern {
    pub aws: &'static str,
    pub regex: &'static str,
}

/// A named shape.
#[derive(Debug)]
pub struct Shape {
    pub name: &'static str,
    /// AWS leaves the values of sensitive shapes out of messages.
    pub sensitive: bool,
    pub kind: ShapeKind,
}

/// A structure member: its wire name, shape, and whether it must be present.
#[derive(Debug)]
pub struct Member {
    pub name: &'static str,
    pub shape: usize,
    pub required: bool,
}

/// What a shape is, with its constraints. Indices point into [`ServiceModel::shapes`]
/// and [`ServiceModel::patterns`].
#[derive(Debug)]
pub enum ShapeKind {
    Structure(&'static [Member]),
    List {
        member: usize,
        min: Option<u64>,
        max: Option<u64>,
    },
    Map {
        key: usize,
        value: usize,
        min: Option<u64>,
        max: Option<u64>,
    },
    String {
        min: Option<u64>,
        max: Option<u64>,
        pattern: Option<usize>,
        enum_values: &'static [&'static str],
    },
    Integer {
        min: Option<i64>,
        max: Option<i64>,
    },
    Boolean,
    Timestamp,
    Blob {
        min: Option<u64>,
        max: Option<u64>,
    },
}

/// One service's operations and shapes.
pub struct ServiceModel {
    pub operations: &'static [Operation],
    pub shapes: &'static [Shape],
    pub patterns: &'static [Pattern],
    regexes: &'static LazyLock<Vec<OnceLock<Option<Regex>>>>,
}

static IAM_REGEXES: LazyLock<Vec<OnceLock<Option<Regex>>>> =
    LazyLock::new(|| iam::PATTERNS.iter().map(|_| OnceLock::new()).collect());
static STS_REGEXES: LazyLock<Vec<OnceLock<Option<Regex>>>> =
    LazyLock::new(|| sts::PATTERNS.iter().map(|_| OnceLock::new()).collect());

static IAM: ServiceModel = ServiceModel {
    operations: iam::OPERATIONS,
    shapes: iam::SHAPES,
    patterns: iam::PATTERNS,
    regexes: &IAM_REGEXES,
};
static STS: ServiceModel = ServiceModel {
    operations: sts::OPERATIONS,
    shapes: sts::SHAPES,
    patterns: sts::PATTERNS,
    regexes: &STS_REGEXES,
};

impl ServiceModel {
    /// The model of `service`; `None` for [`Service::Common`].
    pub fn of(service: Service) -> Option<&'static ServiceModel> {
        match service {
            Service::Iam => Some(&IAM),
            Service::Sts => Some(&STS),
            Service::Common => None,
        }
    }

    /// The operation named `name` (case-sensitive, as `Action` is).
    pub fn operation(&self, name: &str) -> Option<&'static Operation> {
        let ops = self.operations;
        ops.binary_search_by(|o| o.name.cmp(name))
            .ok()
            .and_then(|i| ops.get(i))
    }

    /// The shape at `index`.
    pub fn shape(&self, index: usize) -> Option<&'static Shape> {
        self.shapes.get(index)
    }

    /// The compiled pattern at `index`, compiled on first use. `None` when the pattern
    /// uses Java syntax the `regex` crate lacks (look-around); such a constraint is not
    /// enforced.
    pub fn regex(&self, index: usize) -> Option<&Regex> {
        let slot = self.regexes.get(index)?;
        slot.get_or_init(|| {
            self.patterns
                .get(index)
                .and_then(|p| Regex::new(p.regex).ok())
        })
        .as_ref()
    }
}
