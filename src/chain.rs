//! The hash chain that makes each ticket's history tamper-evident.
//!
//! An entry's hash is SHA-256 over a versioned byte string: the tag
//! `desk-entry-v1`, then each field below as an 8-byte big-endian length
//! followed by its UTF-8 bytes. The text enters only through its own SHA-256,
//! so that a text can one day be erased and the chain still verify. The first
//! entry of a ticket chains to 64 zeros.

use sha2::{Digest, Sha256};

pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// What the hash of one entry covers.
pub struct Link<'a> {
    pub prev_hash: &'a str,
    pub ticket_id: i64,
    pub seq: i64,
    pub at: &'a str,
    pub recorded_at: &'a str,
    pub author: &'a str,
    pub os_user: &'a str,
    pub kind: &'a str,
    pub internal: bool,
    pub corrects: Option<i64>,
    pub text: &'a str,
}

impl Link<'_> {
    pub fn hash(&self) -> String {
        let text_hash = hex(&Sha256::digest(self.text.as_bytes()));
        let fields = [
            self.prev_hash.to_string(),
            self.ticket_id.to_string(),
            self.seq.to_string(),
            self.at.to_string(),
            self.recorded_at.to_string(),
            self.author.to_string(),
            self.os_user.to_string(),
            self.kind.to_string(),
            u8::from(self.internal).to_string(),
            self.corrects.map(|seq| seq.to_string()).unwrap_or_default(),
            text_hash,
        ];
        let mut hasher = Sha256::new();
        hasher.update(b"desk-entry-v1");
        for field in &fields {
            hasher.update((field.len() as u64).to_be_bytes());
            hasher.update(field.as_bytes());
        }
        hex(&hasher.finalize())
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn link(text: &str) -> Link<'_> {
        Link {
            prev_hash: GENESIS,
            ticket_id: 1,
            seq: 1,
            at: "2026-12-04T10:00:00Z",
            recorded_at: "2026-12-04T10:00:00Z",
            author: "anna",
            os_user: "anna",
            kind: "opened",
            internal: false,
            corrects: None,
            text,
        }
    }

    #[test]
    fn any_changed_field_changes_the_hash() {
        let base = link("hello").hash();
        assert_eq!(base.len(), 64);
        assert_eq!(base, link("hello").hash());
        assert_ne!(base, link("hello!").hash());
        assert_ne!(
            base,
            Link {
                seq: 2,
                ..link("hello")
            }
            .hash()
        );
        assert_ne!(
            base,
            Link {
                internal: true,
                ..link("hello")
            }
            .hash()
        );
        // Lengths keep neighbouring fields apart.
        assert_ne!(
            Link {
                author: "ab",
                os_user: "c",
                ..link("x")
            }
            .hash(),
            Link {
                author: "a",
                os_user: "bc",
                ..link("x")
            }
            .hash()
        );
    }
}
