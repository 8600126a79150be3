// What the two halves of the segments module share: the record kind, the member count's name,
// and the dynamic segments' filters compiled once per transaction.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "codec/envelope.h"
#include "crm/query.hpp"
#include "model/records.h"
#include "query/declared.h"

namespace crm::segments {

inline const model::RecordKind kKind{&model::Schema::segments, codec::RecordType::kSegment, "segment"};

// The meta counter holding a segment's member count.
std::string CountName(SegmentId id);

// FailedPrecondition on a file opened read-only that predates segments.
absl::Status NeedTables(const model::Ctx& ctx);

// Parses and compiles a segment's filter; InvalidArgument (naming "filter") when it does not
// parse, names a field customers lack, or reads a field through the owner's user.
absl::StatusOr<query::MaintainedFilter> CompileFilter(const model::Ctx& ctx, std::string_view text,
                                                      bool include_archived);

// The dynamic segments' filters, loaded once per transaction (ctx.indexes caches them); Forget
// drops the cache after a segment changed.
absl::StatusOr<const std::vector<query::MaintainedFilter>*> Views(const model::Ctx& ctx,
                                                                 std::vector<query::MaintainedFilter>* scratch);
void Forget(const model::Ctx& ctx);

// The customers a filter matches now, in id order.
absl::StatusOr<std::vector<CustomerId>> Evaluate(const model::Ctx& ctx, const query::MaintainedFilter& f);

}  // namespace crm::segments
