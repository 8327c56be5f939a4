//! [`ast::Policy`] → canonical, indented JSON.
//!
//! Elements come out in one fixed order (`Version`, `Id`, `Statement`; in a
//! statement `Sid`, `Effect`, principal, action, resource, `Condition`), and the
//! document keeps its shape: a single string stays a string, an array stays an array
//! even of one element. Parsing the output gives back the same tree, spans aside.
use std::fmt::Write;

use crate::ast::{
    Condition, ConditionValue, Policy, PrincipalBlock, PrincipalSpec, Span, Spanned, Statement,
    StringList,
};

const INDENT: &str = "    ";

/// Prints a policy as indented JSON with a trailing newline.
pub fn print_policy(p: &Policy) -> String {
    let mut out = Printer {
        buf: String::with_capacity(256 + 128 * p.statements.len()),
        depth: 0,
    };
    out.policy(p);
    out.buf.push('\n');
    out.buf
}

struct Printer {
    buf: String,
    depth: usize,
}

impl Printer {
    fn newline(&mut self) {
        self.buf.push('\n');
        for _ in 0..self.depth {
            self.buf.push_str(INDENT);
        }
    }

    /// Starts a member of the object being printed; `first` says whether a comma
    /// is needed before it.
    fn key(&mut self, first: &mut bool, key: &str) {
        if !*first {
            self.buf.push(',');
        }
        *first = false;
        self.newline();
        string(&mut self.buf, key);
        self.buf.push_str(": ");
    }

    fn open(&mut self, c: char) {
        self.buf.push(c);
        self.depth += 1;
    }

    fn close(&mut self, c: char, empty: bool) {
        self.depth = self.depth.saturating_sub(1);
        if !empty {
            self.newline();
        }
        self.buf.push(c);
    }

    fn policy(&mut self, p: &Policy) {
        self.open('{');
        let mut first = true;
        if let Some(v) = &p.version {
            self.key(&mut first, "Version");
            string(&mut self.buf, v.value.as_str());
        }
        if let Some(id) = &p.id {
            self.key(&mut first, "Id");
            string(&mut self.buf, &id.value);
        }
        self.key(&mut first, "Statement");
        if p.statement_is_array {
            self.open('[');
            for (i, st) in p.statements.iter().enumerate() {
                if i > 0 {
                    self.buf.push(',');
                }
                self.newline();
                self.statement(st);
            }
            self.close(']', p.statements.is_empty());
        } else if let Some(st) = p.statements.first() {
            self.statement(st);
        }
        self.close('}', false);
    }

    fn statement(&mut self, st: &Statement) {
        self.open('{');
        let mut first = true;
        if let Some(sid) = &st.sid {
            self.key(&mut first, "Sid");
            string(&mut self.buf, &sid.value);
        }
        self.key(&mut first, "Effect");
        string(&mut self.buf, st.effect.value.as_str());
        if let Some(p) = &st.principal {
            self.principal(&mut first, p);
        }
        if let Some(a) = &st.action {
            self.key(&mut first, if a.negated { "NotAction" } else { "Action" });
            self.string_list(&a.list);
        }
        if let Some(r) = &st.resource {
            self.key(
                &mut first,
                if r.negated { "NotResource" } else { "Resource" },
            );
            self.string_list(&r.list);
        }
        if !st.conditions.is_empty() {
            self.key(&mut first, "Condition");
            self.conditions(&st.conditions);
        }
        self.close('}', false);
    }

    fn principal(&mut self, first: &mut bool, p: &PrincipalBlock) {
        self.key(
            first,
            if p.negated {
                "NotPrincipal"
            } else {
                "Principal"
            },
        );
        match &p.spec {
            PrincipalSpec::Any(_) => string(&mut self.buf, "*"),
            PrincipalSpec::Map(entries) => {
                self.open('{');
                let mut inner_first = true;
                for (kind, list) in entries {
                    self.key(&mut inner_first, kind.value.as_str());
                    self.string_list(list);
                }
                self.close('}', entries.is_empty());
            }
        }
    }

    fn string_list(&mut self, list: &StringList) {
        if !list.is_array {
            if let Some(item) = list.items.first() {
                string(&mut self.buf, &item.value);
                return;
            }
        }
        self.open('[');
        for (i, item) in list.items.iter().enumerate() {
            if i > 0 {
                self.buf.push(',');
            }
            self.newline();
            string(&mut self.buf, &item.value);
        }
        self.close(']', list.items.is_empty());
    }

    /// Conditions are stored flat; the source grouped them by operator, and the
    /// triples of one operator are adjacent, so consecutive runs rebuild the groups.
    fn conditions(&mut self, conditions: &[Condition]) {
        self.open('{');
        let mut first_op = true;
        let mut rest = conditions;
        while let Some(head) = rest.first() {
            let run = rest
                .iter()
                .take_while(|c| c.operator_text == head.operator_text)
                .count();
            let (group, tail) = rest.split_at(run);
            self.key(&mut first_op, &head.operator_text);
            self.open('{');
            let mut first_key = true;
            for cond in group {
                self.key(&mut first_key, &cond.key.value);
                self.values(&cond.values, cond.values_is_array);
            }
            self.close('}', group.is_empty());
            rest = tail;
        }
        self.close('}', conditions.is_empty());
    }

    fn values(&mut self, values: &[Spanned<ConditionValue>], is_array: bool) {
        if !is_array {
            if let Some(v) = values.first() {
                scalar(&mut self.buf, &v.value);
                return;
            }
        }
        self.open('[');
        for (i, v) in values.iter().enumerate() {
            if i > 0 {
                self.buf.push(',');
            }
            self.newline();
            scalar(&mut self.buf, &v.value);
        }
        self.close(']', values.is_empty());
    }
}

fn scalar(buf: &mut String, v: &ConditionValue) {
    match v {
        ConditionValue::String(s) => string(buf, s),
        ConditionValue::Number(n) => buf.push_str(n),
        ConditionValue::Bool(b) => buf.push_str(if *b { "true" } else { "false" }),
    }
}

/// Writes `s` as a JSON string literal.
fn string(buf: &mut String, s: &str) {
    buf.push('"');
    for c in s.chars() {
        match c {
            '"' => buf.push_str("\\\""),
            '\\' => buf.push_str("\\\\"),
            '\n' => buf.push_str("\\n"),
            '\r' => buf.push_str("\\r"),
            '\t' => buf.push_str("\\t"),
            c if u32::from(c) < 0x20 => {
                let _ = write!(buf, "\\u{:04x}", u32::from(c));
            }
            c => buf.push(c),
        }
    }
    buf.push('"');
}

/// A copy of `p` with every span reset, so that trees parsed from different
/// texts can be compared for meaning.
pub fn without_spans(p: &Policy) -> Policy {
    let mut p = p.clone();
    let zero = Span::default();
    p.span = zero;
    if let Some(v) = &mut p.version {
        v.span = zero;
    }
    if let Some(id) = &mut p.id {
        id.span = zero;
    }
    for st in &mut p.statements {
        st.span = zero;
        st.effect.span = zero;
        if let Some(sid) = &mut st.sid {
            sid.span = zero;
        }
        if let Some(pr) = &mut st.principal {
            pr.span = zero;
            match &mut pr.spec {
                PrincipalSpec::Any(span) => *span = zero,
                PrincipalSpec::Map(entries) => {
                    for (kind, list) in entries {
                        kind.span = zero;
                        clear_list(list);
                    }
                }
            }
        }
        if let Some(a) = &mut st.action {
            clear_list(&mut a.list);
        }
        if let Some(r) = &mut st.resource {
            clear_list(&mut r.list);
        }
        for c in &mut st.conditions {
            c.operator.span = zero;
            c.key.span = zero;
            for v in &mut c.values {
                v.span = zero;
            }
        }
    }
    p
}

fn clear_list(list: &mut StringList) {
    list.span = Span::default();
    for item in &mut list.items {
        item.span = Span::default();
    }
}

/// Whether two policies say the same thing in the same shape, wherever their
/// text came from.
pub fn same_modulo_spans(a: &Policy, b: &Policy) -> bool {
    without_spans(a) == without_spans(b)
}
