//! Connections from the manifest: `env:NAME` is read from the environment, a literal URL is
//! taken only without a password, and every dataset needs a URL for its engine.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use gebao_connectors::{Connections, Error, Executor};
use gebao_core::Manifest;

fn manifest() -> Manifest {
    gebao_core::load_manifest(include_str!("shop.toml")).unwrap()
}

#[test]
fn env_references_are_resolved() {
    let m = manifest();
    let c = Connections::resolve(&m, |var| match var {
        "SHOP_DATABASE_URL" => Some("postgres://app:secret@db/shop".into()),
        "CRM_DATABASE_URL" => Some("postgres://app:secret@db/crm".into()),
        _ => None,
    })
    .unwrap();
    assert_eq!(c.get("shop"), Some("postgres://app:secret@db/shop"));
    assert!(!format!("{c:?}").contains("secret"));
    assert!(Executor::new(&m, c).is_ok());
}

#[test]
fn missing_variable_is_named() {
    let err = Connections::resolve(&manifest(), |_| None).unwrap_err();
    assert!(matches!(&err, Error::MissingEnv { var, .. } if var == "SHOP_DATABASE_URL"), "{err}");
}

#[test]
fn literal_url_with_password_is_refused() {
    let mut m = manifest();
    m.datasets[0].connection = "postgres://app:secret@db/shop".into();
    let err = Connections::resolve(&m, |_| Some("postgres://db/crm".into())).unwrap_err();
    assert!(matches!(err, Error::PasswordInManifest { .. }));
    assert!(!err.to_string().contains("secret"));
    m.datasets[0].connection = "postgres://app@db/shop".into();
    let c = Connections::resolve(&m, |_| Some("postgres://db/crm".into())).unwrap();
    assert_eq!(c.get("shop"), Some("postgres://app@db/shop"));
}

#[test]
fn every_dataset_needs_a_url_for_its_engine() {
    let m = manifest();
    let err = Executor::new(&m, Connections::with([("shop", "postgres://db/shop")])).unwrap_err();
    assert!(matches!(&err, Error::MissingConnection { dataset } if dataset.as_str() == "crm"), "{err}");
    let wrong = Connections::with([("shop", "mysql://db/shop"), ("crm", "postgres://db/crm")]);
    assert!(matches!(Executor::new(&m, wrong), Err(Error::BadUrl { .. })));
}

#[tokio::test]
async fn unreachable_database_is_an_error_not_a_hang() {
    let m = manifest();
    // Port 1 on the loopback: nothing listens there.
    let c = Connections::with([
        ("shop", "postgres://postgres@127.0.0.1:1/shop"),
        ("crm", "postgres://postgres@127.0.0.1:1/crm"),
    ]);
    let exec = Executor::new(&m, c).unwrap();
    let started = std::time::Instant::now();
    let err = exec.execute("3", &gebao_connectors::Action::Erase, &Default::default()).await.unwrap_err();
    assert!(
        matches!(&err, Error::Incomplete { completed, failed, .. } if completed.is_empty() && failed.as_str() == "shop"),
        "{err}"
    );
    assert!(started.elapsed() < std::time::Duration::from_secs(30));
}
