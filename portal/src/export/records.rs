//! Collected records are kept as chunks of JSON lines (one record per
//! line, about a megabyte per chunk), so neither collecting from a source
//! nor building the package ever holds a whole source's answer in memory.

use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::{Map, Value};
use std::collections::HashSet;

/// A chunk is handed over once it holds this many bytes.
pub const CHUNK_BYTES: usize = 1024 * 1024;

/// One record, its fields in the source's order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Record(pub Vec<(String, Value)>);

impl Serialize for Record {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (key, value) in &self.0 {
            map.serialize_entry(key, value)?;
        }
        map.end()
    }
}

impl From<Map<String, Value>> for Record {
    fn from(map: Map<String, Value>) -> Record {
        Record(map.into_iter().collect())
    }
}

/// Records already serialised as JSON lines, with their count and fields
/// (a source that writes its rows itself, without building values).
#[derive(Debug, Default)]
pub struct Lines {
    pub bytes: Vec<u8>,
    pub records: i64,
    pub fields: Vec<String>,
}

/// What one source holds in one category, once collected.
#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    pub records: i64,
    /// Every field seen, in order of first appearance: the CSV's columns.
    pub fields: Vec<String>,
}

/// Gathers the records of one source in one category into chunks.
#[derive(Debug, Default)]
pub struct LineBuffer {
    lines: Vec<u8>,
    records: i64,
    fields: Vec<String>,
    seen: HashSet<String>,
}

impl LineBuffer {
    /// Adds a record; returns a full chunk to store when there is one.
    pub fn push(&mut self, record: &Record) -> Option<Vec<u8>> {
        for (key, _) in &record.0 {
            if !self.seen.contains(key) {
                self.seen.insert(key.clone());
                self.fields.push(key.clone());
            }
        }
        serde_json::to_writer(&mut self.lines, record).expect("a JSON value always serialises");
        self.lines.push(b'\n');
        self.records += 1;
        (self.lines.len() >= CHUNK_BYTES).then(|| std::mem::take(&mut self.lines))
    }

    /// Adds records serialised elsewhere; returns a full chunk to store
    /// when there is one.
    pub fn append(&mut self, lines: Lines) -> Option<Vec<u8>> {
        for field in lines.fields {
            if self.seen.insert(field.clone()) {
                self.fields.push(field);
            }
        }
        self.records += lines.records;
        if self.lines.is_empty() {
            self.lines = lines.bytes;
        } else {
            self.lines.extend_from_slice(&lines.bytes);
        }
        (self.lines.len() >= CHUNK_BYTES).then(|| std::mem::take(&mut self.lines))
    }

    /// The last, partly filled chunk (if any) and the summary.
    pub fn finish(self) -> (Option<Vec<u8>>, Summary) {
        let rest = (!self.lines.is_empty()).then_some(self.lines);
        (
            rest,
            Summary {
                records: self.records,
                fields: self.fields,
            },
        )
    }
}

/// The records of a chunk: one JSON object per line.
pub fn lines(chunk: &[u8]) -> impl Iterator<Item = &[u8]> {
    chunk.split(|b| *b == b'\n').filter(|line| !line.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_become_lines_in_chunks_and_fields_keep_their_first_order() {
        let mut buffer = LineBuffer::default();
        let first = Record(vec![
            ("name".into(), "Kari".into()),
            ("age".into(), 41.into()),
        ]);
        let second = Record(vec![
            ("zip".into(), "0150".into()),
            ("name".into(), "Ola\nNordmann".into()),
        ]);
        assert!(buffer.push(&first).is_none());
        assert!(buffer.push(&second).is_none());
        let (chunk, summary) = buffer.finish();
        let chunk = chunk.unwrap();
        assert_eq!(
            summary,
            Summary {
                records: 2,
                fields: vec!["name".into(), "age".into(), "zip".into()]
            }
        );
        let parsed: Vec<Value> = lines(&chunk)
            .map(|l| serde_json::from_slice(l).unwrap())
            .collect();
        assert_eq!(
            parsed,
            vec![
                serde_json::json!({"name": "Kari", "age": 41}),
                serde_json::json!({"zip": "0150", "name": "Ola\nNordmann"})
            ]
        );
        assert!(
            String::from_utf8(chunk)
                .unwrap()
                .starts_with(r#"{"name":"Kari","age":41}"#),
            "source order"
        );
    }

    #[test]
    fn a_full_chunk_is_handed_over_and_nothing_is_lost() {
        let mut buffer = LineBuffer::default();
        let record = Record(vec![("blob".into(), "x".repeat(1000).into())]);
        let mut chunks = Vec::new();
        for _ in 0..3000 {
            chunks.extend(buffer.push(&record));
        }
        let appended = Lines {
            bytes: b"{\"extra\":1}\n{\"extra\":2}\n".to_vec(),
            records: 2,
            fields: vec!["extra".into()],
        };
        chunks.extend(buffer.append(appended));
        let (rest, summary) = buffer.finish();
        chunks.extend(rest);
        assert!(chunks.len() >= 3, "{} chunks", chunks.len());
        assert!(chunks.iter().all(|c| c.len() <= CHUNK_BYTES + 1100));
        assert_eq!(chunks.iter().map(|c| lines(c).count()).sum::<usize>(), 3002);
        assert_eq!(summary.records, 3002);
        assert_eq!(summary.fields, vec!["blob".to_string(), "extra".into()]);
    }
}
