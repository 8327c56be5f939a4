//! The Prometheus text exposition format: `# HELP` and `# TYPE` once per family, then
//! one line per sample. Times are written in seconds, as Prometheus names them.
use std::fmt::Write;

use crate::histogram::Histogram;

/// A `/metrics` body being written.
#[derive(Debug, Default)]
pub struct Exposition {
    text: String,
}

/// The content type of the text format.
pub const CONTENT_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";

impl Exposition {
    pub const CONTENT_TYPE: &'static str = CONTENT_TYPE;

    pub fn new() -> Self {
        Exposition::default()
    }

    /// Starts a family: `kind` is `counter`, `gauge` or `histogram`.
    pub fn family(&mut self, name: &str, kind: &str, help: &str) -> &mut Self {
        let _ = writeln!(self.text, "# HELP {name} {}", escape_help(help));
        let _ = writeln!(self.text, "# TYPE {name} {kind}");
        self
    }

    /// One sample of a counter or gauge.
    pub fn sample(&mut self, name: &str, labels: &[(&str, &str)], value: u64) -> &mut Self {
        self.text.push_str(name);
        self.labels(labels, None);
        let _ = writeln!(self.text, " {value}");
        self
    }

    /// The `_bucket`, `_sum` and `_count` samples of one histogram.
    pub fn histogram(
        &mut self,
        name: &str,
        labels: &[(&str, &str)],
        histogram: &Histogram,
    ) -> &mut Self {
        let snapshot = histogram.snapshot();
        for (bound, count) in &snapshot.cumulative {
            let le = match bound {
                Some(micros) => seconds(*micros),
                None => "+Inf".to_owned(),
            };
            let _ = write!(self.text, "{name}_bucket");
            self.labels(labels, Some(&le));
            let _ = writeln!(self.text, " {count}");
        }
        let _ = write!(self.text, "{name}_sum");
        self.labels(labels, None);
        let _ = writeln!(self.text, " {}", seconds(snapshot.sum_micros));
        let _ = write!(self.text, "{name}_count");
        self.labels(labels, None);
        let _ = writeln!(self.text, " {}", snapshot.count);
        self
    }

    pub fn finish(self) -> String {
        self.text
    }

    fn labels(&mut self, labels: &[(&str, &str)], le: Option<&str>) {
        if labels.is_empty() && le.is_none() {
            return;
        }
        self.text.push('{');
        let mut first = true;
        let le = le.map(|v| ("le", v));
        for (key, value) in labels.iter().copied().chain(le) {
            if !first {
                self.text.push(',');
            }
            first = false;
            self.text.push_str(key);
            self.text.push_str("=\"");
            escape_value_into(&mut self.text, value);
            self.text.push('"');
        }
        self.text.push('}');
    }
}

/// Microseconds as seconds with no trailing zeros (`0.00025`, `1`, `2.5`).
fn seconds(micros: u64) -> String {
    let whole = micros / 1_000_000;
    let fraction = micros % 1_000_000;
    if fraction == 0 {
        return whole.to_string();
    }
    let digits = format!("{fraction:06}");
    format!("{whole}.{}", digits.trim_end_matches('0'))
}

fn escape_value_into(out: &mut String, value: &str) {
    for c in value.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
}

fn escape_help(help: &str) -> String {
    help.replace('\\', "\\\\").replace('\n', "\\n")
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[test]
    fn families_samples_and_histograms_in_the_text_format() {
        let h = Histogram::new(&[250, 1_000_000]);
        h.observe(Duration::from_micros(200));
        h.observe(Duration::from_micros(1_500_000));
        let mut out = Exposition::new();
        out.family("x_total", "counter", "Things.")
            .sample("x_total", &[("a", "q\"\\\n")], 3)
            .family("t_seconds", "histogram", "Time.")
            .histogram("t_seconds", &[("service", "iam")], &h);
        assert_eq!(
            out.finish(),
            "# HELP x_total Things.\n# TYPE x_total counter\n\
             x_total{a=\"q\\\"\\\\\\n\"} 3\n\
             # HELP t_seconds Time.\n# TYPE t_seconds histogram\n\
             t_seconds_bucket{service=\"iam\",le=\"0.00025\"} 1\n\
             t_seconds_bucket{service=\"iam\",le=\"1\"} 1\n\
             t_seconds_bucket{service=\"iam\",le=\"+Inf\"} 2\n\
             t_seconds_sum{service=\"iam\"} 1.5002\n\
             t_seconds_count{service=\"iam\"} 2\n"
        );
    }
}
