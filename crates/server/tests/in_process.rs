//! The server in-process on a real socket and a real store, driven by requests signed
//! with the AWS SDK's signer (`aws-sigv4`) and sent over plain HTTP/1.1.
use std::sync::Arc;

// Each test binary uses only part of the shared harness.
#[allow(dead_code)]
mod harness;

use harness::{Keys, TestServer, ROOT_KEY, ROOT_SECRET};

/// POSTs `body` signed for IAM with `key`/`secret`, or unsigned when `key` is empty.
async fn post(s: &TestServer, body: &str, key: &str, secret: &str) -> (u16, String) {
    let answer = if key.is_empty() {
        let headers = [
            ("host".to_owned(), s.addr.to_string()),
            (
                "content-type".to_owned(),
                "application/x-www-form-urlencoded; charset=utf-8".to_owned(),
            ),
        ];
        s.send(&headers, body.as_bytes()).await
    } else {
        let keys = Keys {
            key: key.to_owned(),
            secret: secret.to_owned(),
            token: None,
        };
        s.signed("iam", body, &keys).await
    };
    (answer.status, answer.body)
}

/// An IAM request signed by the account root.
async fn root(s: &TestServer, body: &str) -> (u16, String) {
    let answer = s.iam(body).await;
    (answer.status, answer.body)
}

fn between<'a>(xml: &'a str, open: &str, close: &str) -> &'a str {
    let start = xml.find(open).map(|i| i + open.len()).unwrap_or(0);
    let end = xml[start..].find(close).map(|i| i + start).unwrap_or(start);
    &xml[start..end]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn root_creates_and_reads_a_user() {
    let s = TestServer::start().await;
    let (status, xml) = root(
        &s,
        "Action=CreateUser&Version=2010-05-08&UserName=alice&Path=%2Fteam%2F",
    )
    .await;
    assert_eq!(status, 200, "{xml}");
    assert!(xml.starts_with(
        "<CreateUserResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\"><CreateUserResult><User><Path>/team/</Path><UserName>alice</UserName><UserId>AIDA"
    ));
    let (status, xml) = root(&s, "Action=GetUser&Version=2010-05-08&UserName=ALICE").await;
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
    root(&s, "Action=CreateUser&Version=2010-05-08&UserName=jane-dev").await;
    let policy = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:Get*","Resource":"*"}]}"#;
    let body = format!(
        "Action=PutUserPolicy&Version=2010-05-08&UserName=jane-dev&PolicyName=read&PolicyDocument={}",
        awsquery::form::encode_component(policy)
    );
    assert_eq!(root(&s, &body).await.0, 200);
    let (_, xml) = root(
        &s,
        "Action=CreateAccessKey&Version=2010-05-08&UserName=jane-dev",
    )
    .await;
    let key = between(&xml, "<AccessKeyId>", "</AccessKeyId>").to_owned();
    let secret = between(&xml, "<SecretAccessKey>", "</SecretAccessKey>").to_owned();

    let (status, xml) = post(&s, "Action=GetUser&Version=2010-05-08", &key, &secret).await;
    assert_eq!(status, 200, "{xml}");
    let (status, xml) = post(
        &s,
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

    let (status, xml) = post(&s, get_user, ROOT_KEY, "wrong-secret").await;
    assert_eq!((status, code(&xml)), (403, "SignatureDoesNotMatch".into()));
    let (status, xml) = post(&s, get_user, "AKIANOTAKEYNOTAKEY00", ROOT_SECRET).await;
    assert_eq!((status, code(&xml)), (403, "InvalidClientTokenId".into()));
    let (status, xml) = post(&s, get_user, "", "").await;
    assert_eq!(
        (status, code(&xml)),
        (403, "MissingAuthenticationToken".into())
    );

    let headers = vec![("host".to_owned(), s.addr.to_string())];
    let answer = s
        .send(&headers, b"Action=GetUser&Version=2010-05-08&UserName=\xff")
        .await;
    let (status, xml) = (answer.status, answer.body);
    assert_eq!(code(&xml), "MalformedQueryString", "{status} {xml}");
    let answer = s.send(&headers, &vec![b'a'; 100 * 1024]).await;
    let (status, xml) = (answer.status, answer.body);
    assert_eq!((status, code(&xml)), (413, "RequestEntityTooLarge".into()));

    assert_eq!(root(&s, get_user).await.0, 200);
    s.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_creates_all_land() {
    let s = Arc::new(TestServer::start().await);
    let mut tasks = Vec::new();
    for i in 0..64 {
        let s = s.clone();
        tasks.push(tokio::spawn(async move {
            root(
                &s,
                &format!("Action=CreateUser&Version=2010-05-08&UserName=u{i}"),
            )
            .await
            .0
        }));
    }
    for t in tasks {
        assert_eq!(t.await.unwrap(), 200);
    }
    let (_, xml) = root(&s, "Action=ListUsers&Version=2010-05-08&MaxItems=1000").await;
    assert_eq!(xml.matches("<UserName>").count(), 64);
    if let Ok(s) = Arc::try_unwrap(s) {
        s.shutdown().await;
    }
}
