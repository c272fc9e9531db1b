//! Two workers run at the same moment, on two threads

use tutor::{prelude::*, println, threads};

tutor::knobs! {
    slices: 1..=20 = 4,
    slice_ms: 1..=500 = 50,
}

// ANCHOR: shown
// The same work, as a job for a worker thread: every slice, with no stepping aside, since
// this thread has nothing else to do. Its input is the knobs, sent as text: "4 50".
fn work(input: Vec<u8>) -> Vec<u8> {
    let input = String::from_utf8(input).expect("the knobs were sent as text");
    let numbers: Vec<u64> = input.split(' ').map(|n| n.parse().unwrap_or(0)).collect();
    for slice in 1..=numbers[0] {
        busy(Duration::from_millis(numbers[1]));
        println!("slice {slice} done");
    }
    Vec::new()
}

tutor::jobs! { work }

pub async fn run(knobs: Knobs) -> Result {
    // Two threads: both jobs run at once (parallelism), so the total is one job's work plus
    // the time the workers take to start.
    let _pool = threads::start_pool(2).await?;
    let input = format!("{} {}", knobs.slices, knobs.slice_ms);
    let a = jobs::work.spawn(input.clone());
    let b = jobs::work.spawn(input);
    a.await?;
    b.await?;
    println!("both jobs done");
    Ok(())
}
// ANCHOR_END: shown
