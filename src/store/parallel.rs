//! Opening many sealed messages on every core: decryption is the
//! expensive part of reading, and each message opens independently.

use super::StoreError;

/// Maps `open` over `items` on all cores, keeping order; runs on one core
/// below `min_items`, where threads cost more than they save. `what` names
/// the items if a worker thread panics.
pub fn open_on_all_cores<T: Sync, U: Send>(
    items: &[T],
    min_items: usize,
    what: &str,
    open: impl Fn(&T) -> Result<U, StoreError> + Sync,
) -> Result<Vec<U>, StoreError> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    if threads < 2 || items.len() < min_items {
        return items.iter().map(&open).collect();
    }
    let chunk = items.len().div_ceil(threads);
    let open = &open;
    std::thread::scope(|scope| {
        let handles: Vec<_> = items
            .chunks(chunk)
            .map(|part| scope.spawn(move || part.iter().map(open).collect::<Result<Vec<U>, _>>()))
            .collect();
        let mut out = Vec::with_capacity(items.len());
        for handle in handles {
            let part = handle.join().unwrap_or_else(|_| {
                Err(StoreError::Corrupt {
                    record: format!("{what} (decoding failed)"),
                })
            })?;
            out.extend(part);
        }
        Ok(out)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_order_and_reports_the_first_error() {
        let items: Vec<u32> = (0..10_000).collect();
        let doubled = open_on_all_cores(&items, 16, "numbers", |n| Ok(n * 2)).unwrap();
        assert_eq!(doubled, items.iter().map(|n| n * 2).collect::<Vec<_>>());
        let failed = open_on_all_cores(&items, 16, "numbers", |n| {
            if *n == 7_000 {
                Err(StoreError::NotAStore)
            } else {
                Ok(*n)
            }
        });
        assert!(matches!(failed, Err(StoreError::NotAStore)));
    }
}
