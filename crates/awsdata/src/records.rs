//! Reading the line-oriented records of the inflated tables: one record a line, fields
//! separated by TAB, list items within a field by US (0x1F). The generators refuse any
//! value that contains a separator, so splitting is exact.

pub(crate) const ITEM_SEPARATOR: char = '\u{1f}';

/// The fields of one record, read in order.
pub(crate) struct Fields<'a> {
    line_number: usize,
    rest: std::str::Split<'a, char>,
}

impl<'a> Fields<'a> {
    pub(crate) fn new(line_number: usize, line: &'a str) -> Self {
        Fields {
            line_number,
            rest: line.split('\t'),
        }
    }

    pub(crate) fn text(&mut self) -> Result<&'a str, String> {
        self.rest
            .next()
            .ok_or_else(|| format!("line {}: missing field", self.line_number))
    }

    pub(crate) fn list(&mut self) -> Result<Box<[&'a str]>, String> {
        let field = self.text()?;
        if field.is_empty() {
            return Ok(Box::new([]));
        }
        Ok(field.split(ITEM_SEPARATOR).collect())
    }

    pub(crate) fn flag(&mut self) -> Result<bool, String> {
        match self.text()? {
            "1" => Ok(true),
            "0" => Ok(false),
            other => Err(format!("line {}: bad flag {other:?}", self.line_number)),
        }
    }

    pub(crate) fn number(&mut self) -> Result<usize, String> {
        let field = self.text()?;
        field
            .parse()
            .map_err(|_| format!("line {}: bad number {field:?}", self.line_number))
    }

    pub(crate) fn error(&self, message: &str) -> String {
        format!("line {}: {message}", self.line_number)
    }
}

/// Splits off and checks the header line (`FORMAT<TAB>SOURCE`); returns the source and
/// the remaining lines.
pub(crate) fn header<'a>(
    text: &'a str,
    format: &str,
) -> Result<(&'a str, std::str::Lines<'a>), String> {
    let mut lines = text.lines();
    let first = lines.next().unwrap_or_default();
    match first.split_once('\t') {
        Some((found, source)) if found == format => Ok((source, lines)),
        _ => Err(format!("expected header {format:?}, found {first:?}")),
    }
}
