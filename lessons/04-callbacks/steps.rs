//! Three steps per page as nested callbacks, and an error that arrives without its story

use std::cell::RefCell;
use std::rc::Rc;

use tutor::callbacks::{get, run_until_idle, set_timeout};
use tutor::{prelude::*, println};

tutor::knobs! {
    pages: 1..=10 = 3,
    latency_ms: 0..=3000 = 500,
    broken_page: 0..=10 = 2,
}

// ANCHOR: shown
/// Step 1: fetch the page. Step 2: read it (a short pause). Step 3: fetch the page it links to.
/// Each step is a callback inside the previous one, and each needs what came before it.
fn download(n: u32, knobs: Knobs, first_error: Rc<RefCell<Option<String>>>) {
    let url = slow_web::page(n).delay(knobs.latency_ms).to_url();
    get(url, move |answer| {
        let page = match answer.and_then(|a| a.error_for_status()) {
            Ok(page) => page,
            Err(e) => return record(&first_error, e.to_string()),
        };
        println!("page {n}: step 1 done, {} bytes", page.body.len());
        set_timeout(100, move || {
            println!("page {n}: step 2 done, found a link");
            // The linked page of the broken page answers 500.
            let fail = if n == knobs.broken_page { 100 } else { 0 };
            let link = slow_web::page(100 + n)
                .delay(knobs.latency_ms)
                .fail(fail)
                .to_url();
            get(link, move |answer| {
                match answer.and_then(|a| a.error_for_status()) {
                    Ok(linked) => println!("page {n}: step 3 done, {} bytes", linked.body.len()),
                    // We cannot return this error: `download` returned long ago, and so did
                    // `run`'s loop. All we can do is leave it where `run` will look.
                    Err(e) => record(&first_error, e.to_string()),
                }
            });
        });
    });
}

fn record(first_error: &RefCell<Option<String>>, error: String) {
    first_error.borrow_mut().get_or_insert(error);
}

pub async fn run(knobs: Knobs) -> Result {
    let first_error = Rc::new(RefCell::new(None));
    for n in 1..=knobs.pages {
        download(n, knobs, first_error.clone());
    }
    run_until_idle().await;
    // Here is all we learn: a message. Which page was being crawled, and at which step? The
    // stack that knew is gone; only what we stored by hand survives.
    match first_error.take() {
        Some(error) => Err(format!("a download failed: {error}").into()),
        None => Ok(()),
    }
}
// ANCHOR_END: shown
