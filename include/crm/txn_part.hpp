// The base of the transaction parts each concept header declares (CustomerReads ...): it gives
// them the transaction they act on. Part of the public headers only because C++ needs it there.
#pragma once

namespace crm::detail {

struct TxnImpl;

// Implemented once, for every part, next to ReadTxn and WriteTxn (src/store).
template <class Part>
TxnImpl* ImplOf(const Part* part);

}  // namespace crm::detail
