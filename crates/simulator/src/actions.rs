//! Action names of a simulation.

/// Expands an action name. AWS's simulator takes no wildcards in `ActionNames`; names
/// with `*` or `?` would be expanded from the service reference, which this build does
/// not consult, so they are refused.
pub fn expand_action(name: &str) -> Result<Vec<String>, String> {
    if name.contains(['*', '?']) {
        return Err(format!(
            "'{name}': wildcards in action names are not supported; name each action"
        ));
    }
    match name.split_once(':') {
        Some((service, action)) if !service.is_empty() && !action.is_empty() => {
            Ok(vec![name.to_string()])
        }
        _ => Err(format!(
            "'{name}' is not an action name of the form service:Action"
        )),
    }
}
