//! `Chunks` does what a `VecDeque` does with the same operations, and a clone taken at any
//! point keeps what it held whatever the original does next.

use std::collections::VecDeque;

use proptest::prelude::*;
use replay::Chunks;

#[derive(Clone, Debug)]
enum Op {
    Push(u16),
    PopFront,
    DrainFront(usize),
    /// At this fraction (of 1000) of the length.
    Insert(u16, u16),
    RemoveWhere(u16),
    Set(u16, u16),
    Snapshot,
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        6 => any::<u16>().prop_map(Op::Push),
        2 => Just(Op::PopFront),
        1 => (0usize..100).prop_map(Op::DrainFront),
        2 => (0u16..=1000, any::<u16>()).prop_map(|(at, v)| Op::Insert(at, v)),
        1 => (5u16..200).prop_map(Op::RemoveWhere),
        2 => (0u16..1000, any::<u16>()).prop_map(|(at, v)| Op::Set(at, v)),
        1 => Just(Op::Snapshot),
    ]
}

fn same(chunks: &Chunks<u16>, model: &VecDeque<u16>) {
    assert_eq!(chunks.len(), model.len());
    assert!(chunks.iter().eq(model.iter()));
    assert!(chunks.iter().rev().eq(model.iter().rev()));
    for (i, v) in model.iter().enumerate() {
        assert_eq!(chunks.get(i), Some(v), "position {i}");
    }
    assert_eq!(chunks.get(model.len()), None);
    assert_eq!(chunks.front(), model.front());
    assert_eq!(chunks.back(), model.back());
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn behaves_as_a_deque(start in 0u16..700, ops in prop::collection::vec(op(), 1..300)) {
        // Some hundreds of items to start with, so that there are chunks in the middle.
        let mut chunks: Chunks<u16> = (0..start).collect();
        let mut model: VecDeque<u16> = (0..start).collect();
        let mut kept: Vec<(Chunks<u16>, VecDeque<u16>)> = Vec::new();
        for op in ops {
            match op {
                Op::Push(v) => {
                    chunks.push_back(v);
                    model.push_back(v);
                }
                Op::PopFront => prop_assert_eq!(chunks.pop_front(), model.pop_front()),
                Op::DrainFront(k) => {
                    chunks.drain_front(k);
                    model.drain(..k.min(model.len()));
                }
                Op::Insert(at, v) => {
                    let at = model.len() * at as usize / 1000;
                    chunks.insert(at, v);
                    model.insert(at, v);
                }
                Op::RemoveWhere(m) => {
                    chunks.remove_where(|v| v % m == 0);
                    model.retain(|v| v % m != 0);
                }
                Op::Set(at, v) => {
                    if !model.is_empty() {
                        let at = at as usize % model.len();
                        *chunks.get_mut(at).unwrap() = v;
                        model[at] = v;
                    }
                }
                Op::Snapshot => kept.push((chunks.clone(), model.clone())),
            }
            same(&chunks, &model);
        }
        for (snapshot, then) in &kept {
            same(snapshot, then);
        }
    }

    #[test]
    fn finds_where_a_stretch_ends(len in 0u32..600, taken in 0u32..600, at in 0u32..700) {
        // Chunks as pushes and takes from the front leave them: every one full but the first
        // and the last.
        let mut chunks: Chunks<u32> = (0..len).collect();
        chunks.drain_front(taken as usize);
        let model: Vec<u32> = (taken.min(len)..len).collect();
        prop_assert_eq!(
            chunks.partition_point(|v| *v < at),
            model.partition_point(|v| *v < at)
        );
    }

    #[test]
    fn keeps_order_by_a_key(ops in prop::collection::vec((any::<bool>(), 0u32..5000), 1..600)) {
        // As the sleepers: inserted where their deadline puts them, the due ones taken from the
        // front.
        let mut chunks: Chunks<u32> = Chunks::default();
        let mut model: Vec<u32> = Vec::new();
        for (take, v) in ops {
            if take {
                let due = chunks.partition_point(|s| *s <= v);
                prop_assert_eq!(due, model.partition_point(|s| *s <= v));
                chunks.drain_front(due);
                model.drain(..due);
            } else {
                let at = chunks.partition_point(|s| *s <= v);
                prop_assert_eq!(at, model.partition_point(|s| *s <= v));
                chunks.insert(at, v);
                model.insert(at, v);
            }
            prop_assert!(chunks.iter().eq(model.iter()));
        }
    }
}

#[test]
fn a_clone_shares_until_changed() {
    let mut live: Chunks<u64> = (0..10_000).collect();
    let snapshot = live.clone();
    *live.get_mut(5_000).unwrap() = 1;
    live.pop_front();
    assert_eq!(snapshot[5_000], 5_000);
    assert_eq!(snapshot.front(), Some(&0));
    assert_eq!(live[4_999], 1);
}
