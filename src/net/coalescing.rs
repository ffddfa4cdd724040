//! Write coalescing for the shared agent. ureq transmits a request's head and its body as two
//! writes; on a keep-alive connection that is two TCP segments (two TLS records over https), and the
//! server wakes up for a head it cannot act on yet. [`Coalescing`] holds written bytes back until
//! ureq waits for the response (or until they would not fit the output buffer), so a small request
//! leaves in one write.
//!
//! The held bytes are a copy: ureq reuses its output buffer for the next part of the request.

use ureq::unversioned::transport::{Buffers, ConnectionDetails, Connector, NextTimeout, Transport};

/// Connector placed last in the chain: wraps whatever transport the chain produced.
#[derive(Debug, Default)]
pub struct CoalescingConnector;

impl<In: Transport> Connector<In> for CoalescingConnector {
    type Out = Coalescing<In>;

    fn connect(&self, _details: &ConnectionDetails, chained: Option<In>) -> Result<Option<Self::Out>, ureq::Error> {
        Ok(chained.map(|inner| Coalescing { inner, held: Vec::new() }))
    }
}

/// A transport whose output is sent when input is awaited.
#[derive(Debug)]
pub struct Coalescing<T> {
    inner: T,
    /// Bytes ureq has transmitted that are not written yet.
    held: Vec<u8>,
}

impl<T: Transport> Coalescing<T> {
    /// Writes every held byte through the inner transport, in chunks of its output buffer.
    fn release(&mut self, timeout: NextTimeout) -> Result<(), ureq::Error> {
        let mut sent = 0;
        while sent < self.held.len() {
            let output = self.inner.buffers().output();
            let n = output.len().min(self.held.len() - sent);
            output[..n].copy_from_slice(&self.held[sent..sent + n]);
            self.inner.transmit_output(n, timeout)?;
            sent += n;
        }
        self.held.clear();
        Ok(())
    }
}

impl<T: Transport> Transport for Coalescing<T> {
    fn buffers(&mut self) -> &mut dyn Buffers {
        self.inner.buffers()
    }

    fn transmit_output(&mut self, amount: usize, timeout: NextTimeout) -> Result<(), ureq::Error> {
        let capacity = self.inner.buffers().output().len();
        if self.held.is_empty() && amount >= capacity {
            // A full buffer gains nothing from waiting.
            return self.inner.transmit_output(amount, timeout);
        }
        // Copied before anything is written: writing reuses the output buffer.
        let output = self.inner.buffers().output();
        self.held.extend_from_slice(&output[..amount]);
        if self.held.len() >= capacity {
            self.release(timeout)?;
        }
        Ok(())
    }

    fn maybe_await_input(&mut self, timeout: NextTimeout) -> Result<bool, ureq::Error> {
        self.release(timeout)?;
        self.inner.maybe_await_input(timeout)
    }

    fn await_input(&mut self, timeout: NextTimeout) -> Result<bool, ureq::Error> {
        self.release(timeout)?;
        self.inner.await_input(timeout)
    }

    fn is_open(&mut self) -> bool {
        self.inner.is_open()
    }

    fn is_tls(&self) -> bool {
        self.inner.is_tls()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ureq::unversioned::transport::LazyBuffers;

    /// An inner transport that records every write it is asked to make.
    #[derive(Debug)]
    struct Recorder {
        buffers: LazyBuffers,
        writes: Vec<Vec<u8>>,
    }

    impl Recorder {
        fn new(output: usize) -> Coalescing<Recorder> {
            Coalescing { inner: Recorder { buffers: LazyBuffers::new(64, output), writes: Vec::new() }, held: Vec::new() }
        }
    }

    impl Transport for Recorder {
        fn buffers(&mut self) -> &mut dyn Buffers {
            &mut self.buffers
        }
        fn transmit_output(&mut self, amount: usize, _timeout: NextTimeout) -> Result<(), ureq::Error> {
            let bytes = self.buffers.output()[..amount].to_vec();
            self.writes.push(bytes);
            Ok(())
        }
        fn await_input(&mut self, _timeout: NextTimeout) -> Result<bool, ureq::Error> {
            Ok(false)
        }
        fn is_open(&mut self) -> bool {
            true
        }
    }

    /// What ureq does: write part of a request into the output buffer, then transmit it.
    fn send(t: &mut Coalescing<Recorder>, part: &[u8]) {
        t.buffers().output()[..part.len()].copy_from_slice(part);
        t.transmit_output(part.len(), NextTimeout::default()).unwrap();
    }

    #[test]
    fn head_and_body_leave_in_one_write_when_the_response_is_awaited() {
        let mut t = Recorder::new(1024);
        send(&mut t, b"POST /t HTTP/1.1\r\ncontent-length: 2\r\n\r\n");
        send(&mut t, b"{}");
        assert!(t.inner.writes.is_empty(), "nothing is written before the response is awaited");
        t.await_input(NextTimeout::default()).unwrap();
        assert_eq!(t.inner.writes, vec![b"POST /t HTTP/1.1\r\ncontent-length: 2\r\n\r\n{}".to_vec()]);
        t.maybe_await_input(NextTimeout::default()).unwrap();
        assert_eq!(t.inner.writes.len(), 1, "nothing is written twice");
    }

    #[test]
    fn output_beyond_the_buffer_is_written_in_order_in_buffer_sized_chunks() {
        let mut t = Recorder::new(8);
        send(&mut t, b"abcdef");
        assert!(t.inner.writes.is_empty());
        send(&mut t, b"ghijkl"); // a buffer's worth is held: written at once
        assert_eq!(t.inner.writes, vec![b"abcdefgh".to_vec(), b"ijkl".to_vec()]);
        send(&mut t, b"12345678"); // a full buffer with nothing held goes straight through
        assert_eq!(t.inner.writes.last().unwrap(), b"12345678");
        send(&mut t, b"xy");
        t.maybe_await_input(NextTimeout::default()).unwrap();
        assert_eq!(t.inner.writes.concat(), b"abcdefghijkl12345678xy".to_vec());
        assert!(t.inner.writes.iter().all(|w| w.len() <= 8));
    }
}
