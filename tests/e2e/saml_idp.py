"""A test SAML identity provider: a key and self-signed certificate (`cryptography`),
its metadata, and SAML 2.0 responses signed with `signxml` (an XML-DSig implementation
independent of iamd's: exclusive canonicalization, RSA-SHA256, enveloped signature)."""
import base64
import datetime
import uuid

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from lxml import etree
from signxml import XMLSigner, methods

SAMLP = "urn:oasis:names:tc:SAML:2.0:protocol"
SAML = "urn:oasis:names:tc:SAML:2.0:assertion"
AWS_SIGNIN = "https://signin.aws.amazon.com/saml"
EXC_C14N = "http://www.w3.org/2001/10/xml-exc-c14n#"


def instant(t: datetime.datetime) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


class Idp:
    def __init__(self, entity_id: str = None):
        self.entity_id = entity_id or f"https://idp-{uuid.uuid4().hex[:8]}.example.com/saml"
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "test idp")])
        now = datetime.datetime.now(datetime.timezone.utc)
        self.cert = (
            x509.CertificateBuilder()
            .subject_name(name)
            .issuer_name(name)
            .public_key(self.key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=365))
            .sign(self.key, hashes.SHA256())
        )
        self.key_pem = self.key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        self.cert_pem = self.cert.public_bytes(serialization.Encoding.PEM)

    def metadata(self) -> str:
        der = self.cert.public_bytes(serialization.Encoding.DER)
        cert_b64 = base64.b64encode(der).decode()
        return f"""<?xml version="1.0" encoding="UTF-8"?>
<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="{self.entity_id}">
  <md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
    <md:KeyDescriptor use="signing">
      <ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#">
        <ds:X509Data><ds:X509Certificate>{cert_b64}</ds:X509Certificate></ds:X509Data>
      </ds:KeyInfo>
    </md:KeyDescriptor>
    <md:NameIDFormat>urn:oasis:names:tc:SAML:2.0:nameid-format:persistent</md:NameIDFormat>
    <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="https://idp.example.com/sso"/>
  </md:IDPSSODescriptor>
</md:EntityDescriptor>
"""

    def _sign(self, element, key=None, cert=None):
        signer = XMLSigner(
            method=methods.enveloped,
            signature_algorithm="rsa-sha256",
            digest_algorithm="sha256",
            c14n_algorithm=EXC_C14N,
        )
        return signer.sign(
            element,
            key=key or self.key_pem,
            cert=cert or self.cert_pem,
            reference_uri="#" + element.get("ID"),
        )

    def assertion(self, roles, subject="alice@example.com", session_name="alice",
                  audience=AWS_SIGNIN, recipient=AWS_SIGNIN, lifetime=300, issuer=None,
                  extra_attributes=()):
        now = datetime.datetime.now(datetime.timezone.utc)
        end = instant(now + datetime.timedelta(seconds=lifetime))
        start = instant(now - datetime.timedelta(seconds=30))
        ns = {"saml": SAML}
        a = etree.Element(f"{{{SAML}}}Assertion", nsmap=ns, ID="_" + uuid.uuid4().hex,
                          Version="2.0", IssueInstant=instant(now))
        etree.SubElement(a, f"{{{SAML}}}Issuer").text = issuer or self.entity_id
        subj = etree.SubElement(a, f"{{{SAML}}}Subject")
        nid = etree.SubElement(subj, f"{{{SAML}}}NameID",
                               Format="urn:oasis:names:tc:SAML:2.0:nameid-format:persistent")
        nid.text = subject
        conf = etree.SubElement(subj, f"{{{SAML}}}SubjectConfirmation",
                                Method="urn:oasis:names:tc:SAML:2.0:cm:bearer")
        etree.SubElement(conf, f"{{{SAML}}}SubjectConfirmationData", NotOnOrAfter=end, Recipient=recipient)
        cond = etree.SubElement(a, f"{{{SAML}}}Conditions", NotBefore=start, NotOnOrAfter=end)
        restriction = etree.SubElement(cond, f"{{{SAML}}}AudienceRestriction")
        etree.SubElement(restriction, f"{{{SAML}}}Audience").text = audience
        stmt = etree.SubElement(a, f"{{{SAML}}}AttributeStatement")

        def attribute(name, values):
            attr = etree.SubElement(stmt, f"{{{SAML}}}Attribute", Name=name)
            for v in values:
                etree.SubElement(attr, f"{{{SAML}}}AttributeValue").text = v

        attribute("https://aws.amazon.com/SAML/Attributes/Role", [f"{r},{p}" for r, p in roles])
        attribute("https://aws.amazon.com/SAML/Attributes/RoleSessionName", [session_name])
        for name, values in extra_attributes:
            attribute(name, values)
        return a

    def response(self, assertion, sign_response=True, sign_assertion=False, key=None, cert=None):
        """The base64 `SAMLResponse` of `assertion`, signed as asked."""
        if sign_assertion:
            assertion = self._sign(assertion, key, cert)
        r = etree.Element(f"{{{SAMLP}}}Response", nsmap={"samlp": SAMLP, "saml": SAML},
                          ID="_" + uuid.uuid4().hex, Version="2.0",
                          IssueInstant=instant(datetime.datetime.now(datetime.timezone.utc)),
                          Destination=AWS_SIGNIN)
        etree.SubElement(r, f"{{{SAML}}}Issuer").text = self.entity_id
        status = etree.SubElement(r, f"{{{SAMLP}}}Status")
        etree.SubElement(status, f"{{{SAMLP}}}StatusCode", Value="urn:oasis:names:tc:SAML:2.0:status:Success")
        r.append(assertion)
        if sign_response:
            r = self._sign(r, key, cert)
        return encode(r)


def encode(element) -> str:
    return base64.b64encode(etree.tostring(element)).decode()
