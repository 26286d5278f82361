//! Connections are names: the manifest says `connection = "shop"`, the server's
//! configuration (`[connections]`, then `GEBAO_CONNECTION_<NAME>`) gives the URL, every
//! dataset needs one for its engine, and none may point at gebao's own store.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use gebao_connectors::{Connections, Error, Executor, required_names};
use gebao_core::Manifest;
use gebao_core::manifest::Engine;

fn manifest() -> Manifest {
    gebao_core::load_manifest(include_str!("shop.toml")).unwrap()
}

#[test]
fn names_are_resolved_from_the_configuration_and_the_environment() {
    let m = manifest();
    assert_eq!(required_names(&m).into_iter().collect::<Vec<_>>(), ["crm", "shop"]);
    let file = Connections::new([("shop", "postgres://app:secret@db/shop"), ("crm", "postgres://app@db/old")]).unwrap();
    let env = Connections::from_vars([
        ("GEBAO_CONNECTION_CRM", "postgres://app:secret@db/crm"),
        ("GEBAO_DATABASE_URL", "postgres://gebao@db/gebao"),
    ]);
    let c = file.overlay(env);
    let resolved = c.for_manifest(&m).unwrap();
    assert_eq!(resolved.get("shop"), Some("postgres://app:secret@db/shop"));
    assert_eq!(resolved.get("crm"), Some("postgres://app:secret@db/crm"), "the environment overrides the file");
    assert!(!format!("{c:?}{resolved:?}").contains("secret"));
    assert!(c.missing(&m).is_empty());
    assert!(Executor::new(&m, c).is_ok());
}

#[test]
fn every_unconfigured_connection_is_named_with_its_fix() {
    let m = manifest();
    let none = Connections::from_vars([("GEBAO_DATABASE_URL", "postgres://gebao@db/gebao")]);
    assert_eq!(none.missing(&m).into_iter().collect::<Vec<_>>(), ["crm", "shop"]);
    let err = Executor::new(&m, none).unwrap_err();
    let Error::UnknownConnections { missing } = &err else { panic!("{err:?}") };
    assert_eq!(missing.iter().map(|x| x.dataset.as_str()).collect::<Vec<_>>(), ["shop", "crm"]);
    let en = err.to_string();
    for s in ["dataset `shop`", "GEBAO_CONNECTION_SHOP", "dataset `crm`", "GEBAO_CONNECTION_CRM", "[connections]"] {
        assert!(en.contains(s), "{en} lacks {s}");
    }
    let zh = err.message(gebao_core::text::Lang::ZhCn);
    assert!(zh.contains("数据集 `shop`") && zh.contains("未配置") && zh.contains("GEBAO_CONNECTION_SHOP"), "{zh}");
}

#[test]
fn a_manifest_cannot_name_a_url_or_a_variable() {
    // The loader refuses these (gebao-core); a manifest built in code is refused here too.
    for connection in ["env:GEBAO_DATABASE_URL", "postgres://app@db/shop", "sqlite:///var/lib/gebao/gebao.db"] {
        let mut m = manifest();
        m.datasets[0].connection = connection.into();
        let c = Connections::new([("shop", "postgres://db/shop"), ("crm", "postgres://db/crm")]).unwrap();
        let err = Executor::new(&m, c).unwrap_err();
        assert!(matches!(&err, Error::NotAConnectionName { dataset } if dataset.as_str() == "shop"), "{err}");
        assert!(!err.to_string().contains(connection), "{err}");
    }
}

#[test]
fn every_dataset_needs_a_url_for_its_engine() {
    let m = manifest();
    let wrong = Connections::new([("shop", "mysql://app:secret@db/shop"), ("crm", "postgres://db/crm")]).unwrap();
    let err = Executor::new(&m, wrong).unwrap_err();
    assert!(matches!(&err, Error::BadUrl { dataset, .. } if dataset.as_str() == "shop"), "{err}");
    assert!(!err.to_string().contains("secret"), "{err}");
}

#[test]
fn gebao_s_own_store_is_never_a_dataset() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("gebao.db");
    std::fs::write(&store, b"").unwrap();
    let mut m = manifest();
    for d in &mut m.datasets {
        d.engine = Engine::Sqlite;
    }
    let crm = format!("sqlite://{}", dir.path().join("crm.db").display());
    let store_url = format!("sqlite://{}", store.display());
    let spellings = [
        format!("sqlite:{}", store.display()),
        format!("sqlite://{}/./gebao.db?mode=ro", dir.path().display()),
        format!(
            "sqlite://{}/../{}/gebao.db-wal",
            dir.path().display(),
            dir.path().file_name().unwrap().to_str().unwrap()
        ),
    ];
    for shop in &spellings {
        for forbidden in [store_url.clone(), store.display().to_string()] {
            let c =
                Connections::new([("shop", shop.as_str()), ("crm", crm.as_str())]).unwrap().forbid_store(&forbidden);
            let err = Executor::new(&m, c).unwrap_err();
            assert!(
                matches!(&err, Error::StoreAsDataset { dataset, .. } if dataset.as_str() == "shop"),
                "{shop}: {err}"
            );
        }
    }
    let other = format!("sqlite://{}", dir.path().join("shop.db").display());
    let c = Connections::new([("shop", other.as_str()), ("crm", crm.as_str())]).unwrap().forbid_store(&store_url);
    assert!(Executor::new(&m, c).is_ok());

    // The same for a PostgreSQL store: the same server and database under another spelling.
    let mut m = manifest();
    m.datasets.truncate(1);
    let c = Connections::new([("shop", "postgresql://reader@127.0.0.1:5432/gebao")])
        .unwrap()
        .forbid_store("postgres://gebao:secret@localhost/gebao");
    let err = Executor::new(&m, c).unwrap_err();
    assert!(matches!(err, Error::StoreAsDataset { .. }), "{err}");
    assert!(!err.to_string().contains("secret"));
}

#[tokio::test]
async fn unreachable_database_is_an_error_not_a_hang() {
    let m = manifest();
    // Port 1 on the loopback: nothing listens there.
    let c = Connections::new([
        ("shop", "postgres://postgres@127.0.0.1:1/shop"),
        ("crm", "postgres://postgres@127.0.0.1:1/crm"),
    ])
    .unwrap();
    let exec = Executor::new(&m, c).unwrap();
    let started = std::time::Instant::now();
    let err = exec.execute("3", &gebao_connectors::Action::Erase, &Default::default()).await.unwrap_err();
    assert!(
        matches!(&err, Error::Incomplete { completed, failed, .. } if completed.is_empty() && failed.as_str() == "shop"),
        "{err}"
    );
    assert!(started.elapsed() < std::time::Duration::from_secs(30));
}
