//! XML signatures as SAML uses them: exclusive canonicalization ([`c14n`]) and
//! enveloped-signature verification ([`dsig`]).
pub mod c14n;
pub mod dsig;

/// Parses XML the way federation documents must be read: no DTD (so no entity
/// expansion tricks), a bound on the number of nodes.
pub fn parse(text: &str) -> Result<roxmltree::Document<'_>, String> {
    let options = roxmltree::ParsingOptions {
        allow_dtd: false,
        nodes_limit: 200_000,
    };
    roxmltree::Document::parse_with_options(text, options).map_err(|e| e.to_string())
}
