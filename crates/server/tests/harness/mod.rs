//! A real server in-process for integration tests: a fresh store in a temporary
//! directory, one account with known root credentials, a real socket, and requests
//! signed with the AWS SDK's signer (`aws-sigv4`) sent over plain HTTP/1.1.
use std::sync::Arc;
use std::time::SystemTime;

use aws_credential_types::Credentials;
use aws_sigv4::http_request::{sign, SignableBody, SignableRequest, SigningSettings};
use aws_sigv4::sign::v4;
use aws_smithy_runtime_api::client::identity::Identity;
use store::api::*;
use store::{MasterKey, SecretString, SqliteStore};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

pub const ACCT: &str = "123456789012";
pub const ROOT_KEY: &str = "AKIAIOSFODNN7EXAMPLE";
pub const ROOT_SECRET: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

/// Credentials to sign a request with: an access key, its secret, and for temporary
/// credentials the session token.
#[derive(Debug, Clone)]
pub struct Keys {
    pub key: String,
    pub secret: String,
    pub token: Option<String>,
}

impl Keys {
    pub fn root() -> Self {
        Keys {
            key: ROOT_KEY.into(),
            secret: ROOT_SECRET.into(),
            token: None,
        }
    }
}

/// One HTTP answer.
#[derive(Debug, Clone)]
pub struct Answer {
    pub status: u16,
    pub body: String,
}

impl Answer {
    /// The text of the first `<tag>` element of the body ("" when there is none).
    pub fn field(&self, tag: &str) -> String {
        let open = format!("<{tag}>");
        let close = format!("</{tag}>");
        let Some(start) = self.body.find(&open).map(|i| i + open.len()) else {
            return String::new();
        };
        let end = self.body[start..].find(&close).map_or(start, |i| i + start);
        self.body[start..end].to_owned()
    }
}

pub struct TestServer {
    pub addr: std::net::SocketAddr,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<Result<(), String>>>,
    _dir: tempfile::TempDir,
}

impl TestServer {
    pub async fn start() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let key = MasterKey::load_or_create(dir.path(), None).unwrap();
        let store = SqliteStore::open(dir.path(), key).unwrap();
        store
            .create_account(
                Some(ACCT.into()),
                Some((ROOT_KEY.into(), SecretString::new(ROOT_SECRET.into()))),
            )
            .await
            .unwrap();
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let config = server::Config {
            listen: addr,
            data_dir: dir.path().to_path_buf(),
            max_body_bytes: 64 * 1024,
            metrics_token: None,
            audit_dir: Some(dir.path().join("audit")),
            workloads: Vec::new(),
        };
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let store: Arc<dyn store::Store> = Arc::new(store);
        let task = tokio::spawn(async move {
            server::serve(listener, store, &config, async {
                let _ = stopped.await;
            })
            .await
        });
        TestServer {
            addr,
            stop: Some(stop),
            task: Some(task),
            _dir: dir,
        }
    }

    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            task.await.unwrap().unwrap();
        }
    }

    /// An IAM request signed by the account root.
    pub async fn iam(&self, body: &str) -> Answer {
        self.signed("iam", body, &Keys::root()).await
    }

    /// POSTs `body` signed for `service` (`iam` or `sts`) with `keys`.
    pub async fn signed(&self, service: &str, body: &str, keys: &Keys) -> Answer {
        let host = self.addr.to_string();
        let mut headers = vec![
            ("host".to_owned(), host.clone()),
            (
                "content-type".to_owned(),
                "application/x-www-form-urlencoded; charset=utf-8".to_owned(),
            ),
        ];
        let identity: Identity =
            Credentials::new(&keys.key, &keys.secret, keys.token.clone(), None, "test").into();
        let params = v4::SigningParams::builder()
            .identity(&identity)
            .region("us-east-1")
            .name(service)
            .time(SystemTime::now())
            .settings(SigningSettings::default())
            .build()
            .unwrap()
            .into();
        let signable = SignableRequest::new(
            "POST",
            format!("http://{host}/"),
            headers.iter().map(|(n, v)| (n.as_str(), v.as_str())),
            SignableBody::Bytes(body.as_bytes()),
        )
        .unwrap();
        let (instructions, _) = sign(signable, &params).unwrap().into_parts();
        let (added, _) = instructions.into_parts();
        headers.extend(
            added
                .iter()
                .map(|h| (h.name().to_owned(), h.value().to_owned())),
        );
        self.send(&headers, body.as_bytes()).await
    }

    pub async fn send(&self, headers: &[(String, String)], body: &[u8]) -> Answer {
        let mut stream = TcpStream::connect(self.addr).await.unwrap();
        let mut head = String::from("POST / HTTP/1.1\r\n");
        for (name, value) in headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        head.push_str(&format!(
            "content-length: {}\r\nconnection: close\r\n\r\n",
            body.len()
        ));
        stream.write_all(head.as_bytes()).await.unwrap();
        stream.write_all(body).await.unwrap();
        let mut response = Vec::new();
        stream.read_to_end(&mut response).await.unwrap();
        let text = String::from_utf8_lossy(&response).into_owned();
        let status = text.get(9..12).and_then(|s| s.parse().ok()).unwrap_or(0);
        let body = text
            .split_once("\r\n\r\n")
            .map(|(_, b)| b.to_owned())
            .unwrap_or_default();
        Answer { status, body }
    }
}

/// A form body from `Action`, `Version` and further parameters, percent-encoded.
pub fn form(action: &str, version: &str, params: &[(&str, &str)]) -> String {
    let mut body = format!("Action={action}&Version={version}");
    for (name, value) in params {
        body.push('&');
        body.push_str(name);
        body.push('=');
        body.push_str(&awsquery::form::encode_component(value));
    }
    body
}
