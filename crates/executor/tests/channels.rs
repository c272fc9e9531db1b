//! Oneshot and mpsc channels on the virtual host: values, endings, back-pressure, cancellation.

mod common;

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use executor::sync::{mpsc, oneshot};
use executor::{now, sleep, spawn, timeout, yield_now};

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

#[test]
fn oneshot_delivers_the_value_when_it_is_sent() {
    let ex = common::virtual_executor();
    let got = ex
        .block_on(async {
            let (tx, rx) = oneshot::channel();
            drop(spawn(async move {
                sleep(ms(40)).await;
                tx.send("page").unwrap();
            }));
            let v = rx.await;
            (v, now())
        })
        .unwrap();
    assert_eq!(got, (Ok("page"), ms(40)));
}

#[test]
fn oneshot_sender_dropped_unsent_fails_the_receiver() {
    let ex = common::virtual_executor();
    let got = ex
        .block_on(async {
            let (tx, rx) = oneshot::channel::<u32>();
            drop(spawn(async move {
                sleep(ms(10)).await;
                drop(tx);
            }));
            let v = rx.await;
            (v, now())
        })
        .unwrap();
    let (result, at) = got;
    let err: oneshot::RecvError = result.unwrap_err();
    assert_eq!(err.to_string(), "the sender was dropped without sending");
    assert_eq!(at, ms(10), "the receiver woke when the sender was dropped");
}

#[test]
fn oneshot_send_to_a_dropped_receiver_gives_the_value_back() {
    let (tx, rx) = oneshot::channel();
    assert!(!tx.is_closed());
    drop(rx);
    assert!(tx.is_closed());
    assert_eq!(tx.send(String::from("unread")), Err(String::from("unread")));
}

#[test]
fn mpsc_keeps_the_order_values_were_sent_in() {
    let ex = common::virtual_executor();
    let got = ex
        .block_on(async {
            let (tx, mut rx) = mpsc::channel(3);
            drop(spawn(async move {
                for n in 0..20 {
                    tx.send(n).await.unwrap();
                }
            }));
            let mut got = Vec::new();
            while let Some(n) = rx.recv().await {
                got.push(n);
            }
            got
        })
        .unwrap();
    assert_eq!(got, (0..20).collect::<Vec<_>>());
}

#[test]
fn bounded_one_paces_the_producer_to_a_slow_consumer() {
    let ex = common::virtual_executor();
    let (producer_done, got) = ex
        .block_on(async {
            let (tx, mut rx) = mpsc::channel(1);
            let producer = spawn(async move {
                for n in 1..=5 {
                    tx.send(n).await.unwrap();
                }
                now()
            });
            let mut got = Vec::new();
            while let Some(n) = rx.recv().await {
                got.push(n);
                sleep(ms(100)).await; // the slow consumer
            }
            (producer.await.unwrap(), got)
        })
        .unwrap();
    assert_eq!(got, [1, 2, 3, 4, 5]);
    // Item 1 is taken at 0 and item 2 fills the one slot; items 3, 4, 5 each wait for the
    // consumer's next recv, at 100, 200 and 300 ms.
    assert_eq!(producer_done, ms(300));
    assert_eq!(ex.now(), ms(500));
}

#[test]
fn recv_gives_none_once_every_sender_is_gone() {
    let ex = common::virtual_executor();
    let got = ex
        .block_on(async {
            let (tx, mut rx) = mpsc::channel::<&str>(4);
            let tx2 = tx.clone();
            drop(spawn(async move {
                sleep(ms(10)).await;
                tx.send("a").await.unwrap();
            }));
            drop(spawn(async move {
                sleep(ms(20)).await;
                tx2.send("b").await.unwrap();
            }));
            let mut got = Vec::new();
            while let Some(v) = rx.recv().await {
                got.push(v);
            }
            assert_eq!(rx.try_recv(), Err(mpsc::TryRecvError::Disconnected));
            (got, now())
        })
        .unwrap();
    assert_eq!(got, (vec!["a", "b"], ms(20)));
}

#[test]
fn a_sender_cancelled_while_queued_does_not_strand_the_others() {
    let ex = common::virtual_executor();
    let got = ex
        .block_on(async {
            let (tx, mut rx) = mpsc::channel(1);
            tx.send("full").await.unwrap();
            let tx_a = tx.clone();
            // A waits for room but gives up after 10 ms.
            let a = spawn(async move { timeout(ms(10), tx_a.send("a")).await.is_err() });
            let tx_b = tx.clone();
            let b = spawn(async move { tx_b.send("b").await });
            drop(tx);
            assert!(a.await.unwrap(), "A timed out while queued");
            sleep(ms(10)).await;
            let mut got = Vec::new();
            while let Some(v) = rx.recv().await {
                got.push(v);
            }
            b.await.unwrap().unwrap();
            (got, now())
        })
        .unwrap();
    assert_eq!(got, (vec!["full", "b"], ms(20)));
}

#[test]
fn a_sender_cancelled_after_being_given_room_passes_it_on() {
    let ex = common::virtual_executor();
    let got = ex
        .block_on(async {
            let (tx, mut rx) = mpsc::channel(1);
            tx.send("full").await.unwrap();
            let tx_a = tx.clone();
            let a = spawn(async move { tx_a.send("a").await });
            let tx_b = tx.clone();
            let b = spawn(async move { tx_b.send("b").await });
            drop(tx);
            yield_now().await; // both are queued now, A first
            // Taking "full" hands the free slot to A and wakes it; A is aborted before it
            // runs, so its wake-up (and the slot) must go on to B.
            assert_eq!(rx.try_recv(), Ok("full"));
            a.abort();
            assert!(a.await.is_err());
            b.await.unwrap().unwrap();
            let mut got = Vec::new();
            while let Some(v) = rx.recv().await {
                got.push(v);
            }
            got
        })
        .unwrap();
    assert_eq!(got, ["b"]);
}

#[test]
fn closing_the_receiver_fails_waiting_and_later_senders() {
    let ex = common::virtual_executor();
    let got = ex
        .block_on(async {
            let (tx, mut rx) = mpsc::channel(1);
            tx.send(1).await.unwrap();
            let tx2 = tx.clone();
            let waiting = spawn(async move { tx2.send(2).await.map_err(|e| e.0) });
            yield_now().await;
            rx.close();
            assert!(tx.is_closed());
            let refused = waiting.await.unwrap();
            let later = tx.send(3).await.map_err(|e| e.0);
            (refused, later, rx.recv().await, rx.recv().await)
        })
        .unwrap();
    assert_eq!(got, (Err(2), Err(3), Some(1), None));
}

#[test]
fn unbounded_sends_never_wait() {
    let ex = common::virtual_executor();
    let log = Rc::new(RefCell::new(Vec::new()));
    let l = log.clone();
    ex.block_on(async move {
        let (tx, mut rx) = mpsc::unbounded_channel();
        // Nobody receives while these run: a send that waited would stall the executor.
        for n in 0..10_000 {
            tx.send(n).await.unwrap();
        }
        assert_eq!(rx.len(), 10_000);
        drop(tx);
        while let Some(n) = rx.recv().await {
            l.borrow_mut().push(n);
        }
    })
    .unwrap();
    assert_eq!(log.borrow().len(), 10_000);
    assert_eq!(ex.now(), Duration::ZERO);
    assert_eq!(
        ex.snapshot().stats.polls,
        1,
        "main ran in one poll: nothing waited"
    );
}

#[test]
#[should_panic(expected = "capacity of at least 1")]
fn a_bounded_channel_of_zero_is_refused() {
    let _ = mpsc::channel::<u8>(0);
}

#[test]
fn a_channel_wake_names_the_channel_and_the_sending_task() {
    use executor::trace::{Event, WakeSource};
    let ex = common::virtual_executor();
    let log = ex.record_trace();
    let sender = ex
        .block_on(async {
            let (tx, mut rx) = mpsc::unbounded_channel::<u32>();
            let sender = spawn(async move {
                sleep(ms(10)).await;
                tx.send(7).await.unwrap();
            });
            let id = sender.id();
            assert_eq!(rx.recv().await, Some(7));
            id
        })
        .unwrap();
    let main = 1; // block_on's task is spawned first
    let wakes: Vec<WakeSource> = log
        .borrow()
        .iter()
        .filter_map(|r| match r.event {
            Event::Wake { task, by } if task == main => Some(by),
            _ => None,
        })
        .collect();
    assert_eq!(wakes, [WakeSource::Channel(Some(sender))]);
}
