//! AWS's global condition context keys ("AWS global condition context keys" in the IAM
//! User Guide) with their types. The service reference lists only the tag keys among
//! them, per service.

/// `(name, type)`; a name ending in `/` takes any suffix (`aws:PrincipalTag/team`).
/// A key with more than one type lists them joined by `|`, in the User Guide's order.
const GLOBAL_KEYS: &[(&str, &str)] = &[
    ("aws:AssumedRoot", "Bool"),
    ("aws:CalledVia", "ArrayOfString"),
    ("aws:CalledViaFirst", "String"),
    ("aws:CalledViaLast", "String"),
    ("aws:ChatbotSourceArn", "ARN"),
    ("aws:CurrentTime", "Date"),
    ("aws:Ec2InstanceSourcePrivateIPv4", "IPAddress"),
    ("aws:Ec2InstanceSourceVpc", "String"),
    ("aws:EpochTime", "Date|Numeric"),
    ("aws:FederatedProvider", "String"),
    ("aws:IsMcpServiceAction", "Bool"),
    ("aws:MultiFactorAuthAge", "Numeric"),
    ("aws:MultiFactorAuthPresent", "Bool"),
    ("aws:PrincipalAccount", "String"),
    ("aws:PrincipalArn", "ARN"),
    ("aws:PrincipalIsAWSService", "Bool"),
    ("aws:PrincipalOrgID", "String"),
    ("aws:PrincipalOrgMasterAccountId", "String"),
    ("aws:PrincipalOrgPaths", "ArrayOfString"),
    ("aws:PrincipalServiceName", "String"),
    ("aws:PrincipalServiceNamesList", "ArrayOfString"),
    ("aws:PrincipalTag/", "String"),
    ("aws:PrincipalType", "String"),
    ("aws:referer", "String"),
    ("aws:RequestedRegion", "String"),
    ("aws:RequestTag/", "String"),
    ("aws:ResourceAccount", "String"),
    ("aws:ResourceOrgID", "String"),
    ("aws:ResourceOrgPaths", "ArrayOfString"),
    ("aws:ResourceTag/", "String"),
    ("aws:SecureTransport", "Bool"),
    ("aws:SourceAccount", "String"),
    ("aws:SourceArn", "ARN"),
    ("aws:SourceIdentity", "String"),
    ("aws:SourceIp", "IPAddress"),
    ("aws:SourceOrgID", "String"),
    ("aws:SourceOrgPaths", "ArrayOfString"),
    ("aws:SourceVpc", "String"),
    ("aws:SourceVpcArn", "ARN"),
    ("aws:SourceVpce", "String"),
    ("aws:TagKeys", "ArrayOfString"),
    ("aws:TokenIssueTime", "Date"),
    ("aws:UserAgent", "String"),
    ("aws:userid", "String"),
    ("aws:username", "String"),
    ("aws:ViaAWSMCPService", "Bool"),
    ("aws:CalledViaAWSMCP", "String"),
    ("aws:ViaAWSService", "Bool"),
    ("aws:VpceAccount", "String"),
    ("aws:VpceOrgID", "String"),
    ("aws:VpceOrgPaths", "ArrayOfString"),
    ("aws:VpcSourceIp", "IPAddress"),
];

/// The type of a global key, ignoring case as IAM does; `None` when it is not one.
pub(super) fn global_key_type(key: &str) -> Option<&'static str> {
    GLOBAL_KEYS.iter().find_map(|&(name, value_type)| {
        let known = match name.strip_suffix('/') {
            Some(_) => {
                key.len() > name.len()
                    && key
                        .get(..name.len())
                        .is_some_and(|head| head.eq_ignore_ascii_case(name))
            }
            None => key.eq_ignore_ascii_case(name),
        };
        known.then_some(value_type)
    })
}

/// Where the variable part of a documented key name starts: `s3:BucketTag/${TagKey}`,
/// `s3:ExistingObjectTag/<key>`, `secretsmanager:ResourceTag/tag-key`.
fn template_cut(name: &str) -> Option<usize> {
    let placeholder = name.find(['$', '<']);
    let tag_key = name
        .strip_suffix("tag-key")
        .filter(|head| head.ends_with('/'))
        .map(str::len);
    placeholder.into_iter().chain(tag_key).min()
}

/// The type of a service's condition key from the service reference; keys
/// documented with a `${...}` part (`s3:ExistingObjectTag/${TagKey}`) take any text
/// there. `Err(())` when the service is known and the key is not; `Ok(None)` when
/// the prefix is no service of the reference (federation keys such as
/// `accounts.google.com:aud`).
pub(super) fn service_key_type(prefix: &str, key: &str) -> Result<Option<&'static str>, ()> {
    let Some(service) = awsdata::service(prefix) else {
        return Ok(None);
    };
    let found = service
        .condition_keys
        .iter()
        .find(|k| documented_as(k.name, key));
    match found {
        Some(k) => Ok(Some(k.value_type)),
        None => Err(()),
    }
}

/// Whether `key`, as written in a policy, is the documented key `name` (ignoring
/// case, with any text where the name has a template part).
pub(super) fn documented_as(name: &str, key: &str) -> bool {
    match template_cut(name) {
        Some(cut) => {
            key.len() > cut
                && key
                    .get(..cut)
                    .zip(name.get(..cut))
                    .is_some_and(|(a, b)| a.eq_ignore_ascii_case(b))
        }
        None => name.eq_ignore_ascii_case(key),
    }
}
