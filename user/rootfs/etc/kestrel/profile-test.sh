# The profiler test (tests/integration/profile.sh): sample a stat loop at
# 1000 Hz per CPU, then print the samples for the host to check.
echo 1000 > /proc/kestrel/profile
echo "profile on: $(cat /proc/kestrel/profile)"
/testprogs/profwork stat 30000 /etc/kestrel/profile-test.sh
echo 0 > /proc/kestrel/profile
echo "profile stats: $(cat /proc/kestrel/profile)"
sed 's/^/folded /' /proc/kestrel/profile_folded
/testprogs/profwork hist
echo "profile test done"
