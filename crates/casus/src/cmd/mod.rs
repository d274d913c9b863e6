//! One module per subcommand.
pub mod docs;
pub mod extract;
pub mod facts;
pub mod gen_corpus;
pub mod ingest;
pub mod load;
pub mod serve;

use std::path::Path;

use casus_store::Store;

/// Opens the knowledge base; a missing one is built from the embedded
/// corpus first, so every command works out of the box.
pub fn open_or_seed(db: &Path) -> anyhow::Result<Store> {
    let fresh = !db.exists();
    let mut store = Store::open(db)?;
    if fresh {
        eprintln!(
            "casus: {} did not exist; building it from the embedded corpus",
            db.display()
        );
        ingest::ingest_into(
            &mut store,
            &[],
            &crate::ReadArgs {
                input_format: None,
                max_bytes: 256 << 20,
                entities: Vec::new(),
            },
            false,
        )?;
    }
    Ok(store)
}
