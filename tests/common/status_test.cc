#include "common/util/status.h"

#include <gtest/gtest.h>

namespace relais::common {
namespace {

Result<int> Half(int x) {
  if (x % 2) return Status::InvalidArgument("odd");
  return x / 2;
}

Result<int> Quarter(int x) {
  RELAIS_ASSIGN_OR_RETURN(int h, Half(x));
  RELAIS_ASSIGN_OR_RETURN(int q, Half(h));
  return q;
}

Status Check(int x) {
  RELAIS_RETURN_IF_ERROR(Half(x).status());
  return Status::OK();
}

TEST(StatusTest, CodesAndMessages) {
  EXPECT_TRUE(Status::OK().ok());
  Status s = Status::PermissionDenied("hors périmètre");
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(s.ToString(), "PERMISSION_DENIED: hors périmètre");
  EXPECT_EQ(s.WithContext("push").message(), "push: hors périmètre");
  EXPECT_EQ(static_cast<int>(StatusCode::kUnauthenticated), 16);
}

TEST(StatusTest, ResultPropagates) {
  EXPECT_EQ(*Quarter(8), 2);
  EXPECT_EQ(Quarter(6).status().code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(Check(4).ok());
  EXPECT_FALSE(Check(3).ok());
}

}  // namespace
}  // namespace relais::common
