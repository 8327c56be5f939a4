//! The server in-process on a real socket and a real store, driven by requests signed
//! with the AWS SDK's signer (`aws-sigv4`) and sent over plain HTTP/1.1.
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

const ACCT: &str = "123456789012";
const ROOT_KEY: &str = "AKIAIOSFODNN7EXAMPLE";
const ROOT_SECRET: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

struct TestServer {
    addr: std::net::SocketAddr,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<Result<(), String>>>,
    _dir: tempfile::TempDir,
}

impl TestServer {
    async fn start() -> Self {
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

    async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            task.await.unwrap().unwrap();
        }
    }

    /// POSTs `body` signed with `key`/`secret` (unsigned when `key` is empty).
    async fn post(&self, body: &str, key: &str, secret: &str) -> (u16, String) {
        let host = self.addr.to_string();
        let mut headers = vec![
            ("host".to_owned(), host.clone()),
            (
                "content-type".to_owned(),
                "application/x-www-form-urlencoded; charset=utf-8".to_owned(),
            ),
        ];
        if !key.is_empty() {
            let identity: Identity = Credentials::new(key, secret, None, None, "test").into();
            let params = v4::SigningParams::builder()
                .identity(&identity)
                .region("us-east-1")
                .name("iam")
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
        }
        self.send(&headers, body.as_bytes()).await
    }

    async fn send(&self, headers: &[(String, String)], body: &[u8]) -> (u16, String) {
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
        (status, body)
    }

    async fn root(&self, body: &str) -> (u16, String) {
        self.post(body, ROOT_KEY, ROOT_SECRET).await
    }
}

fn between<'a>(xml: &'a str, open: &str, close: &str) -> &'a str {
    let start = xml.find(open).map(|i| i + open.len()).unwrap_or(0);
    let end = xml[start..].find(close).map(|i| i + start).unwrap_or(start);
    &xml[start..end]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn root_creates_and_reads_a_user() {
    let s = TestServer::start().await;
    let (status, xml) = s
        .root("Action=CreateUser&Version=2010-05-08&UserName=alice&Path=%2Fteam%2F")
        .await;
    assert_eq!(status, 200, "{xml}");
    assert!(xml.starts_with(
        "<CreateUserResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\"><CreateUserResult><User><Path>/team/</Path><UserName>alice</UserName><UserId>AIDA"
    ));
    let (status, xml) = s
        .root("Action=GetUser&Version=2010-05-08&UserName=ALICE")
        .await;
    assert_eq!(status, 200, "{xml}");
    assert_eq!(
        between(&xml, "<Arn>", "</Arn>"),
        "arn:aws:iam::123456789012:user/team/alice"
    );
    s.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_get_only_user_is_refused_writes_in_aws_words() {
    let s = TestServer::start().await;
    s.root("Action=CreateUser&Version=2010-05-08&UserName=jane-dev")
        .await;
    let policy = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:Get*","Resource":"*"}]}"#;
    let body = format!(
        "Action=PutUserPolicy&Version=2010-05-08&UserName=jane-dev&PolicyName=read&PolicyDocument={}",
        awsquery::form::encode_component(policy)
    );
    assert_eq!(s.root(&body).await.0, 200);
    let (_, xml) = s
        .root("Action=CreateAccessKey&Version=2010-05-08&UserName=jane-dev")
        .await;
    let key = between(&xml, "<AccessKeyId>", "</AccessKeyId>").to_owned();
    let secret = between(&xml, "<SecretAccessKey>", "</SecretAccessKey>").to_owned();

    let (status, xml) = s
        .post("Action=GetUser&Version=2010-05-08", &key, &secret)
        .await;
    assert_eq!(status, 200, "{xml}");
    let (status, xml) = s
        .post(
            "Action=CreateUser&Version=2010-05-08&UserName=bob",
            &key,
            &secret,
        )
        .await;
    assert_eq!(status, 403);
    // AWS's sentence, then the encoded authorization failure message that only
    // sts:DecodeAuthorizationMessage can open.
    let message = between(&xml, "<Message>", "</Message>");
    let (sentence, encoded) = message
        .split_once(". Encoded authorization failure message: ")
        .expect("an encoded authorization failure message");
    assert_eq!(
        sentence,
        "User: arn:aws:iam::123456789012:user/jane-dev is not authorized to perform: iam:CreateUser on resource: arn:aws:iam::123456789012:user/bob because no identity-based policy allows the iam:CreateUser action"
    );
    assert!(!encoded.is_empty());
    s.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn authentication_failures_and_bad_input_leave_the_server_serving() {
    let s = TestServer::start().await;
    let get_user = "Action=GetUser&Version=2010-05-08";
    let code = |xml: &str| between(xml, "<Code>", "</Code>").to_owned();

    let (status, xml) = s.post(get_user, ROOT_KEY, "wrong-secret").await;
    assert_eq!((status, code(&xml)), (403, "SignatureDoesNotMatch".into()));
    let (status, xml) = s.post(get_user, "AKIANOTAKEYNOTAKEY00", ROOT_SECRET).await;
    assert_eq!((status, code(&xml)), (403, "InvalidClientTokenId".into()));
    let (status, xml) = s.post(get_user, "", "").await;
    assert_eq!(
        (status, code(&xml)),
        (403, "MissingAuthenticationToken".into())
    );

    let headers = vec![("host".to_owned(), s.addr.to_string())];
    let (status, xml) = s
        .send(&headers, b"Action=GetUser&Version=2010-05-08&UserName=\xff")
        .await;
    assert_eq!(code(&xml), "MalformedQueryString", "{status} {xml}");
    let (status, xml) = s.send(&headers, &vec![b'a'; 100 * 1024]).await;
    assert_eq!((status, code(&xml)), (413, "RequestEntityTooLarge".into()));

    assert_eq!(s.root(get_user).await.0, 200);
    s.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_creates_all_land() {
    let s = Arc::new(TestServer::start().await);
    let mut tasks = Vec::new();
    for i in 0..64 {
        let s = s.clone();
        tasks.push(tokio::spawn(async move {
            s.root(&format!(
                "Action=CreateUser&Version=2010-05-08&UserName=u{i}"
            ))
            .await
            .0
        }));
    }
    for t in tasks {
        assert_eq!(t.await.unwrap(), 200);
    }
    let (_, xml) = s
        .root("Action=ListUsers&Version=2010-05-08&MaxItems=1000")
        .await;
    assert_eq!(xml.matches("<UserName>").count(), 64);
    if let Ok(s) = Arc::try_unwrap(s) {
        s.shutdown().await;
    }
}
