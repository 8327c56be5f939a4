//! Writing awsQuery XML responses:
//!
//! ```xml
//! <GetUserResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/">
//!   <GetUserResult>...</GetUserResult>
//!   <ResponseMetadata><RequestId>...</RequestId></ResponseMetadata>
//! </GetUserResponse>
//! ```

use std::fmt::Write as _;
use std::time::SystemTime;

use crate::date;

/// IAM's XML namespace.
pub const IAM_NAMESPACE: &str = "https://iam.amazonaws.com/doc/2010-05-08/";
/// STS's XML namespace.
pub const STS_NAMESPACE: &str = "https://sts.amazonaws.com/doc/2011-06-15/";

/// Appends `text` escaped for element content or a double-quoted attribute.
///
/// Characters XML 1.0 cannot carry at all (most C0 controls, lone surrogates cannot
/// occur in `str`, U+FFFE/U+FFFF) become U+FFFD so that the document always parses;
/// `\r` is written as a character reference so that parsers do not normalize it away.
pub fn escape_into(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\r' => out.push_str("&#xD;"),
            '\t' | '\n' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
}

/// `text` escaped for XML.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    escape_into(&mut out, text);
    out
}

/// Percent-encodes a policy document as IAM returns documents in XML
/// (`PolicyDocument`, `AssumeRolePolicyDocument`): RFC 3986, everything but the
/// unreserved characters encoded. Clients URL-decode it.
pub fn url_encode_document(document: &str) -> String {
    let mut out = String::with_capacity(document.len() * 2);
    for b in document.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

/// Builds XML into a string, element by element.
#[derive(Debug, Default)]
pub struct XmlWriter {
    buf: String,
}

impl XmlWriter {
    /// An empty writer.
    pub fn new() -> Self {
        Self::default()
    }

    /// An empty writer with room for `bytes`.
    pub fn with_capacity(bytes: usize) -> Self {
        Self {
            buf: String::with_capacity(bytes),
        }
    }

    /// `<name>`.
    pub fn open(&mut self, name: &str) -> &mut Self {
        self.buf.push('<');
        self.buf.push_str(name);
        self.buf.push('>');
        self
    }

    /// `<name xmlns="namespace">`.
    pub fn open_with_namespace(&mut self, name: &str, namespace: &str) -> &mut Self {
        self.buf.push('<');
        self.buf.push_str(name);
        self.buf.push_str(" xmlns=\"");
        escape_into(&mut self.buf, namespace);
        self.buf.push_str("\">");
        self
    }

    /// `</name>`.
    pub fn close(&mut self, name: &str) -> &mut Self {
        self.buf.push_str("</");
        self.buf.push_str(name);
        self.buf.push('>');
        self
    }

    /// `<name>...</name>` with `body` writing the content.
    pub fn element(&mut self, name: &str, body: impl FnOnce(&mut Self)) -> &mut Self {
        self.open(name);
        body(self);
        self.close(name)
    }

    /// `<name>text</name>`, escaped.
    pub fn text(&mut self, name: &str, text: &str) -> &mut Self {
        self.open(name);
        escape_into(&mut self.buf, text);
        self.close(name)
    }

    /// `<name>text</name>` when `text` is present; nothing otherwise, as AWS omits
    /// absent members.
    pub fn opt_text(&mut self, name: &str, text: Option<&str>) -> &mut Self {
        if let Some(t) = text {
            self.text(name, t);
        }
        self
    }

    /// `<name>value</name>` for any displayable value (numbers).
    pub fn display(&mut self, name: &str, value: impl std::fmt::Display) -> &mut Self {
        self.open(name);
        let _ = write!(self.buf, "{value}");
        self.close(name)
    }

    /// `<name>true</name>` or `<name>false</name>`.
    pub fn bool(&mut self, name: &str, value: bool) -> &mut Self {
        self.text(name, if value { "true" } else { "false" })
    }

    /// `<name>2015-08-30T12:36:00Z</name>`, as IAM writes dates.
    pub fn date(&mut self, name: &str, t: SystemTime) -> &mut Self {
        self.text(name, &date::iso8601(t))
    }

    /// `<name>2015-08-30T12:36:00.123Z</name>`, as STS writes credential expirations.
    pub fn date_millis(&mut self, name: &str, t: SystemTime) -> &mut Self {
        self.text(name, &date::iso8601_millis(t))
    }

    /// `<name>%7B%22Version%22...</name>`: a policy document URL-encoded, as IAM
    /// returns documents.
    pub fn policy_document(&mut self, name: &str, document: &str) -> &mut Self {
        self.text(name, &url_encode_document(document))
    }

    /// `<name><member>...</member>...</name>`, one `member` per item. An empty list is
    /// written as `<name/>`-equivalent `<name></name>`, as AWS does.
    pub fn list<T>(
        &mut self,
        name: &str,
        items: impl IntoIterator<Item = T>,
        mut member: impl FnMut(&mut Self, T),
    ) -> &mut Self {
        self.open(name);
        for item in items {
            self.open("member");
            member(self, item);
            self.close("member");
        }
        self.close(name)
    }

    /// `<name><member>a</member><member>b</member></name>` for a list of strings.
    pub fn text_list<S: AsRef<str>>(
        &mut self,
        name: &str,
        items: impl IntoIterator<Item = S>,
    ) -> &mut Self {
        self.list(name, items, |w, s| {
            escape_into(&mut w.buf, s.as_ref());
        })
    }

    /// `<name><entry><key>k</key><value>v</value></entry>...</name>` for a map.
    pub fn map<K: AsRef<str>, V: AsRef<str>>(
        &mut self,
        name: &str,
        entries: impl IntoIterator<Item = (K, V)>,
    ) -> &mut Self {
        self.open(name);
        for (k, v) in entries {
            self.open("entry");
            self.text("key", k.as_ref());
            self.text("value", v.as_ref());
            self.close("entry");
        }
        self.close(name)
    }

    /// Appends already-escaped XML.
    pub fn raw(&mut self, xml: &str) -> &mut Self {
        self.buf.push_str(xml);
        self
    }

    /// The XML written so far.
    pub fn as_str(&self) -> &str {
        &self.buf
    }

    /// The XML.
    pub fn finish(self) -> String {
        self.buf
    }
}

/// A successful response under construction: `<{Op}Response xmlns=...>` and, when the
/// operation has output, `<{Op}Result>`; [`Response::finish`] closes both and adds
/// `<ResponseMetadata>`.
#[derive(Debug)]
pub struct Response {
    writer: XmlWriter,
    operation: String,
    has_result: bool,
}

impl Response {
    /// A response of `operation` with a `<{operation}Result>` element.
    pub fn new(namespace: &str, operation: &str) -> Self {
        let mut writer = XmlWriter::with_capacity(512);
        writer.open_with_namespace(&format!("{operation}Response"), namespace);
        writer.open(&format!("{operation}Result"));
        Self {
            writer,
            operation: operation.to_owned(),
            has_result: true,
        }
    }

    /// A response of an operation without output (`DeleteUser`): no `Result` element.
    pub fn without_result(namespace: &str, operation: &str) -> Self {
        let mut writer = XmlWriter::with_capacity(256);
        writer.open_with_namespace(&format!("{operation}Response"), namespace);
        Self {
            writer,
            operation: operation.to_owned(),
            has_result: false,
        }
    }

    /// The writer for the result's content.
    pub fn body(&mut self) -> &mut XmlWriter {
        &mut self.writer
    }

    /// Closes the result, writes the request id and returns the document.
    pub fn finish(mut self, request_id: &str) -> String {
        if self.has_result {
            self.writer.close(&format!("{}Result", self.operation));
        }
        self.writer
            .element("ResponseMetadata", |w| {
                w.text("RequestId", request_id);
            })
            .close(&format!("{}Response", self.operation));
        self.writer.finish()
    }
}

/// Whether the sender or AWS is at fault (`<Type>`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    Sender,
    Receiver,
}

impl Fault {
    /// `Sender` or `Receiver`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Sender => "Sender",
            Self::Receiver => "Receiver",
        }
    }
}

/// The error document:
/// `<ErrorResponse xmlns=...><Error><Type/><Code/><Message/></Error><RequestId/></ErrorResponse>`.
pub fn error_response(
    namespace: &str,
    fault: Fault,
    code: &str,
    message: &str,
    request_id: &str,
) -> String {
    let mut w = XmlWriter::with_capacity(256 + message.len());
    w.open_with_namespace("ErrorResponse", namespace)
        .element("Error", |w| {
            w.text("Type", fault.as_str())
                .text("Code", code)
                .text("Message", message);
        })
        .text("RequestId", request_id)
        .close("ErrorResponse");
    w.finish()
}
