//! `RawRequest::parse` on arbitrary bytes, then signing its view in header and query mode.
//! Neither may panic, whatever the input.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sigv4_kit::raw::RawRequest;
use sigv4_kit_fuzz::{SIGNERS, time};

fuzz_target!(|data: &[u8]| {
    let Ok(raw) = RawRequest::parse(data) else { return };
    let request = raw.signable();
    for signer in SIGNERS.iter() {
        if let Ok(out) = signer.sign_at(&request, &signer.payload_hash(raw.body()), time()) {
            let mut signed = raw.clone();
            signed.apply(&out);
            let _ = signed.to_bytes();
        }
    }
});
