// Record, key and page-token decoding against arbitrary bytes: every input decodes or is refused
// with a status; nothing reads out of bounds, loops or allocates without limit. A decoded record
// encodes again and decodes to the same record.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "codec/envelope.h"
#include "codec/key.h"
#include "model/paging.h"
#include "model/serialize.h"

namespace {

template <class T>
void RoundTrip(std::string_view bytes, crm::codec::RecordType type) {
  T record;
  if (!crm::codec::Decode(bytes, type, {"fuzz", 1}, record).ok()) return;
  std::string again, once_more;
  crm::codec::Encode(type, record, again);
  T back;
  if (!crm::codec::Decode(again, type, {"fuzz", 1}, back).ok()) std::abort();
  crm::codec::Encode(type, back, once_more);
  if (once_more != again) std::abort();
}

void Keys(std::string_view bytes, std::uint8_t shape) {
  crm::codec::KeyReader r(bytes);
  for (int i = 0; i < 8 && !r.done(); ++i) {
    switch ((shape >> (i % 4 * 2)) & 3) {
      case 0: (void)r.Str(); break;
      case 1: (void)r.U64(); break;
      case 2: (void)r.I64(); break;
      default: (void)r.U32();
    }
  }
  const std::string successor = crm::codec::PrefixSuccessor(bytes);
  if (!successor.empty() && !(std::string_view(successor) > bytes)) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const std::string_view bytes(reinterpret_cast<const char*>(data) + 1, size - 1);
  using crm::codec::RecordType;
  if (data[0] >= 250) {  // since 0.6, from a range the switch below reads as before
    RoundTrip<crm::Erasure>(bytes, RecordType::kErasure);
    return 0;
  }
  if (data[0] >= 240) {  // since 0.7
    RoundTrip<crm::ConsentRecord>(bytes, RecordType::kConsent);
    return 0;
  }
  switch (data[0] % 10) {  // below 8 as before 0.5, so the seeds keep their meaning
    case 0: RoundTrip<crm::Customer>(bytes, RecordType::kCustomer); break;
    case 1: RoundTrip<crm::Interaction>(bytes, RecordType::kInteraction); break;
    case 2: RoundTrip<crm::Pipeline>(bytes, RecordType::kPipeline); break;
    case 3: RoundTrip<crm::Opportunity>(bytes, RecordType::kOpportunity); break;
    case 4: RoundTrip<crm::Change>(bytes, RecordType::kChange); break;
    case 5: Keys(bytes, data[0]); break;
    case 8: RoundTrip<crm::User>(bytes, RecordType::kUser); break;
    case 9: RoundTrip<crm::Team>(bytes, RecordType::kTeam); break;
    default: {
      // A page token for a query over [lo, hi): accepted only when it names a key inside.
      auto key = crm::model::ParsePageToken(bytes, 42, "b", "m");
      if (key.ok() && !key->empty() && (*key < "b" || *key >= "m")) std::abort();
    }
  }
  return 0;
}
