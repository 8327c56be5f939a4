//! Action names of a simulation.

/// Expands an action name. A plain `service:Action` is simulated as given (AWS's
/// simulator accepts names it does not know and evaluates them like any other). A name
/// with `*` or `?` is expanded through the service authorization reference to every
/// action it matches, so `s3:Get*` simulates each `s3:Get…` action; a pattern that
/// matches nothing is refused rather than silently simulating nothing.
pub fn expand_action(name: &str) -> Result<Vec<String>, String> {
    match name.split_once(':') {
        Some((service, action)) if !service.is_empty() && !action.is_empty() => {}
        _ if name == "*" => {}
        _ => {
            return Err(format!(
                "'{name}' is not an action name of the form service:Action"
            ))
        }
    }
    if !name.contains(['*', '?']) {
        return Ok(vec![name.to_string()]);
    }
    let expanded = awsdata::expand_action_pattern(name);
    if expanded.is_empty() {
        return Err(format!(
            "'{name}' matches no action of the service authorization reference"
        ));
    }
    Ok(expanded)
}

#[cfg(test)]
mod tests {
    use super::expand_action;

    #[test]
    fn plain_names_pass_through() {
        assert_eq!(expand_action("s3:GetObject").unwrap(), vec!["s3:GetObject"]);
    }

    #[test]
    fn wildcards_expand_through_the_service_reference() {
        let names = expand_action("iam:GetUser*").unwrap();
        assert!(names.iter().any(|n| n == "iam:GetUser"));
        assert!(names.iter().any(|n| n == "iam:GetUserPolicy"));
        assert!(names
            .iter()
            .all(|n| n.to_ascii_lowercase().starts_with("iam:getuser")));
    }

    #[test]
    fn patterns_matching_nothing_and_malformed_names_are_refused() {
        assert!(expand_action("nosuchservice:Get*").is_err());
        assert!(expand_action("GetObject").is_err());
        assert!(expand_action("s3:").is_err());
    }
}
