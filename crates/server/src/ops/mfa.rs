//! Virtual MFA devices: CreateVirtualMFADevice, EnableMFADevice, ResyncMFADevice,
//! DeactivateMFADevice, DeleteVirtualMFADevice, ListMFADevices, ListVirtualMFADevices,
//! GetMFADevice, and their tags (TagMFADevice, UntagMFADevice, ListMFADeviceTags).
//!
//! Codes are checked by the store ([`store::MfaStore`]), which keeps each device's
//! accepted time steps and failures durably; this module shapes requests and answers.
use awsquery::XmlWriter;
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use store::{iam_arn, CodeCheck, MfaAssignment, MfaDevice, StoreError, Timestamp};

use super::policies::any_resource;
use super::resources::{self};
use super::{input, xml, Call, Operation, Target};
use crate::error::{ApiError, ApiResult};
use crate::operation;

pub fn operations() -> Vec<Operation> {
    vec![
        operation!(
            "CreateVirtualMFADevice",
            new_device,
            create_virtual_mfa_device
        ),
        operation!("EnableMFADevice", resources::named_user, enable_mfa_device),
        operation!("ResyncMFADevice", resources::named_user, resync_mfa_device),
        operation!(
            "DeactivateMFADevice",
            resources::named_user_or_caller,
            deactivate_mfa_device
        ),
        operation!(
            "DeleteVirtualMFADevice",
            named_device,
            delete_virtual_mfa_device
        ),
        operation!(
            "ListMFADevices",
            resources::named_user_or_caller,
            list_mfa_devices
        ),
        operation!(
            "ListVirtualMFADevices",
            any_resource,
            list_virtual_mfa_devices
        ),
        operation!(
            "GetMFADevice",
            resources::named_user_or_caller,
            get_mfa_device
        ),
        operation!("TagMFADevice", named_device, tag_mfa_device),
        operation!("UntagMFADevice", named_device, untag_mfa_device),
        operation!("ListMFADeviceTags", named_device, list_mfa_device_tags),
    ]
}

/// `CreateVirtualMFADevice`: the ARN (= serial number) the device will have.
async fn new_device(call: &Call) -> ApiResult<Target> {
    let name = input::required(&call.params, "VirtualMFADeviceName")?;
    let path = input::path_or_root(&call.params, "Path")?;
    Ok(Target::arn(iam_arn(call.account(), "mfa", &path, name)))
}

/// The device `SerialNumber` names, with its tags when it exists.
async fn named_device(call: &Call) -> ApiResult<Target> {
    let serial = input::required(&call.params, "SerialNumber")?;
    let arn = if serial.starts_with("arn:") {
        serial.to_owned()
    } else {
        iam_arn(call.account(), "mfa", "/", serial)
    };
    let tags = match call.store().get_mfa_device(call.account(), serial).await {
        Ok(device) => device.tags,
        Err(e) if e.kind == store::ErrorKind::NoSuchEntity => Vec::new(),
        Err(e) => return Err(e.into()),
    };
    Ok(Target {
        arn,
        tags,
        found: None,
        ..Target::default()
    })
}

/// The user named by `UserName` (or the calling user), which must exist.
fn device_user<'t>(call: &Call, target: &'t Target) -> ApiResult<&'t str> {
    super::users::existing_user(call, target).map(|u| u.name.as_str())
}

fn serial(call: &Call) -> ApiResult<&str> {
    input::required(&call.params, "SerialNumber")
}

fn codes(call: &Call) -> ApiResult<(&str, &str)> {
    Ok((
        input::required(&call.params, "AuthenticationCode1")?,
        input::required(&call.params, "AuthenticationCode2")?,
    ))
}

/// Maps what the store concluded about a pair of codes onto IAM's answers.
fn code_outcome(check: CodeCheck) -> ApiResult<()> {
    match check {
        CodeCheck::Accepted => Ok(()),
        CodeCheck::Invalid => Err(ApiError::new(
            "InvalidAuthenticationCode",
            "Authentication code for device is not valid.",
        )),
        CodeCheck::Throttled => Err(StoreError::limit_exceeded(
            "Too many invalid authentication codes for this MFA device; try again later.",
        )
        .into()),
    }
}

async fn create_virtual_mfa_device(call: &Call, _target: &Target) -> ApiResult<String> {
    let name = input::required(&call.params, "VirtualMFADeviceName")?;
    let path = input::path_or_root(&call.params, "Path")?;
    let tags = input::tags(&call.params)?;
    let created = call
        .store()
        .create_virtual_mfa_device(call.account(), name, &path, tags)
        .await?;
    let account = call.store().get_account(call.account()).await?;
    let account_name = account
        .and_then(|a| a.alias)
        .unwrap_or_else(|| call.account().to_owned());
    let seed = created.base32_seed.expose();
    let png = qr_png(&otpauth_uri(name, &account_name, seed))?;
    let device = &created.device;
    Ok(call.respond(|w| {
        w.element("VirtualMFADevice", |w| {
            w.text("SerialNumber", &device.serial_number)
                // The one place a seed leaves the server: to its creator, once.
                .text("Base32StringSeed", &B64.encode(seed))
                .text("QRCodePNG", &B64.encode(&png));
            if !device.tags.is_empty() {
                xml::tags(w, &device.tags);
            }
        });
    }))
}

/// `otpauth://totp/$virtualMFADeviceName@$AccountName?secret=$Base32String`, the URI
/// the QR code carries (as IAM documents it).
fn otpauth_uri(device_name: &str, account_name: &str, base32_seed: &str) -> String {
    format!(
        "otpauth://totp/{}@{}?secret={base32_seed}",
        percent_encode(device_name),
        percent_encode(account_name)
    )
}

/// Percent-encodes all but RFC 3986's unreserved characters.
fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Pixels per QR module, and the light border (in modules) scanners need.
const QR_SCALE: usize = 6;
const QR_QUIET_ZONE: usize = 4;

/// A black-on-white PNG of `text` as a QR code.
fn qr_png(text: &str) -> ApiResult<Vec<u8>> {
    let code = qrcode::QrCode::new(text.as_bytes())
        .map_err(|e| ApiError::service_failure(&format!("QR code: {e}")))?;
    let modules = code.width();
    let colors = code.to_colors();
    let side = (modules + 2 * QR_QUIET_ZONE) * QR_SCALE;
    let mut pixels = vec![255u8; side * side];
    for (i, color) in colors.iter().enumerate() {
        if *color != qrcode::Color::Dark {
            continue;
        }
        let (mx, my) = (i % modules + QR_QUIET_ZONE, i / modules + QR_QUIET_ZONE);
        for dy in 0..QR_SCALE {
            let row = (my * QR_SCALE + dy) * side;
            let start = row + mx * QR_SCALE;
            if let Some(run) = pixels.get_mut(start..start + QR_SCALE) {
                run.fill(0);
            }
        }
    }
    let side = u32::try_from(side).map_err(|_| ApiError::service_failure("QR code too large"))?;
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, side, side);
    encoder.set_color(png::ColorType::Grayscale);
    encoder.set_depth(png::BitDepth::Eight);
    let fail = |e: png::EncodingError| ApiError::service_failure(&format!("PNG: {e}"));
    let mut writer = encoder.write_header().map_err(fail)?;
    writer.write_image_data(&pixels).map_err(fail)?;
    writer.finish().map_err(fail)?;
    Ok(out)
}

async fn enable_mfa_device(call: &Call, target: &Target) -> ApiResult<String> {
    let user = device_user(call, target)?;
    let check = call
        .store()
        .enable_mfa_device(
            call.account(),
            user,
            serial(call)?,
            codes(call)?,
            Timestamp::now(),
        )
        .await?;
    code_outcome(check)?;
    Ok(call.respond_empty())
}

async fn resync_mfa_device(call: &Call, target: &Target) -> ApiResult<String> {
    let user = device_user(call, target)?;
    let check = call
        .store()
        .resync_mfa_device(
            call.account(),
            user,
            serial(call)?,
            codes(call)?,
            Timestamp::now(),
        )
        .await?;
    code_outcome(check)?;
    Ok(call.respond_empty())
}

fn no_such_device(serial: &str) -> ApiError {
    StoreError::no_such_entity(format!(
        "MFA Device with serial number {serial} does not exist."
    ))
    .into()
}

async fn deactivate_mfa_device(call: &Call, target: &Target) -> ApiResult<String> {
    let serial = serial(call)?;
    if call.params.get("UserName").is_none() && call.caller.is_root() {
        // The root's own devices are managed from the console, not through this API.
        return Err(no_such_device(serial));
    }
    let user = device_user(call, target)?;
    call.store()
        .deactivate_mfa_device(call.account(), user, serial)
        .await?;
    Ok(call.respond_empty())
}

async fn delete_virtual_mfa_device(call: &Call, _target: &Target) -> ApiResult<String> {
    call.store()
        .delete_virtual_mfa_device(call.account(), serial(call)?)
        .await?;
    Ok(call.respond_empty())
}

async fn list_mfa_devices(call: &Call, target: &Target) -> ApiResult<String> {
    let page = input::page(&call.params)?;
    if call.params.get("UserName").is_none() && call.caller.is_root() {
        return Ok(call.respond(|w| {
            w.list("MFADevices", &[] as &[MfaDevice], |_, _| {});
            w.bool("IsTruncated", false);
        }));
    }
    let user = device_user(call, target)?;
    let devices = call
        .store()
        .list_mfa_devices(call.account(), user, &page)
        .await?;
    Ok(call.respond(|w| {
        w.list("MFADevices", &devices.items, mfa_device);
        xml::truncation(w, &devices);
    }))
}

/// The `MFADevice` shape: an enabled device and its user.
fn mfa_device(w: &mut XmlWriter, device: &MfaDevice) {
    if let Some(user) = &device.user {
        w.text("UserName", &user.name);
    }
    w.text("SerialNumber", &device.serial_number);
    if let Some(date) = device.enable_date {
        w.text("EnableDate", &date.iso8601());
    }
}

fn assignment(call: &Call) -> ApiResult<MfaAssignment> {
    match call.params.get("AssignmentStatus") {
        None | Some("Any") => Ok(MfaAssignment::Any),
        Some("Assigned") => Ok(MfaAssignment::Assigned),
        Some("Unassigned") => Ok(MfaAssignment::Unassigned),
        Some(other) => Err(ApiError::validation(format!(
            "1 validation error detected: Value '{other}' at 'assignmentStatus' failed to satisfy constraint: Member must satisfy enum value set: [Unassigned, Any, Assigned]"
        ))),
    }
}

async fn list_virtual_mfa_devices(call: &Call, _target: &Target) -> ApiResult<String> {
    let page = input::page(&call.params)?;
    let devices = call
        .store()
        .list_virtual_mfa_devices(call.account(), assignment(call)?, &page)
        .await?;
    Ok(call.respond(|w| {
        w.list("VirtualMFADevices", &devices.items, |w, d| {
            w.text("SerialNumber", &d.serial_number);
            if let Some(user) = &d.user {
                w.element("User", |w| xml::user(w, user, false));
            }
            if let Some(date) = d.enable_date {
                w.text("EnableDate", &date.iso8601());
            }
        });
        xml::truncation(w, &devices);
    }))
}

async fn get_mfa_device(call: &Call, target: &Target) -> ApiResult<String> {
    let serial = serial(call)?;
    let device = call.store().get_mfa_device(call.account(), serial).await?;
    // Only a device enabled for the user asked about (the caller by default) is found.
    let owner = if call.params.get("UserName").is_none() && call.caller.is_root() {
        None
    } else {
        Some(device_user(call, target)?)
    };
    let enabled_for_owner = match (&device.user, owner) {
        (Some(user), Some(owner)) => user.name.eq_ignore_ascii_case(owner),
        _ => false,
    };
    if !enabled_for_owner {
        return Err(no_such_device(serial));
    }
    Ok(call.respond(|w| mfa_device(w, &device)))
}

async fn tag_mfa_device(call: &Call, _target: &Target) -> ApiResult<String> {
    let tags = input::tags(&call.params)?;
    if tags.is_empty() {
        input::required(&call.params, "Tags")?;
    }
    call.store()
        .tag_mfa_device(call.account(), serial(call)?, tags)
        .await?;
    Ok(call.respond_empty())
}

async fn untag_mfa_device(call: &Call, _target: &Target) -> ApiResult<String> {
    let keys = input::tag_keys(&call.params)?;
    call.store()
        .untag_mfa_device(call.account(), serial(call)?, keys)
        .await?;
    Ok(call.respond_empty())
}

async fn list_mfa_device_tags(call: &Call, _target: &Target) -> ApiResult<String> {
    let page = input::page(&call.params)?;
    let tags = call
        .store()
        .list_mfa_device_tags(call.account(), serial(call)?, &page)
        .await?;
    Ok(call.respond(|w| {
        xml::tags(w, &tags.items);
        xml::truncation(w, &tags);
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn otpauth_uri_encodes_the_label() {
        assert_eq!(
            otpauth_uri("alice@phone", "123456789012", "ABC"),
            "otpauth://totp/alice%40phone@123456789012?secret=ABC"
        );
    }

    #[test]
    fn qr_png_is_a_png_of_the_expected_size() {
        let png = qr_png("otpauth://totp/a@123456789012?secret=ABCDEFGH").unwrap();
        assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"));
        let decoder = png::Decoder::new(png.as_slice());
        let reader = decoder.read_info().unwrap();
        let info = reader.info();
        assert_eq!(info.width, info.height);
        assert_eq!(info.width as usize % QR_SCALE, 0);
    }
}
