# Many processes at once (the test boots with 4 CPUs): background jobs,
# long pipelines, exit statuses, /proc as the programs see it.
for i in 1 2 3 4 5 6 7 8; do
	(seq 1 20000 | sort -rn | sha256sum > sum.$i) &
done
wait
cat sum.* | sort | uniq -c
seq 1 50000 | grep 7 | sed 's/7/seven/' | sort | tail -n 2
false
echo "false: $?"
dash -c 'exit 3'
echo "dash -c 'exit 3': $?"
head -n 1 /proc/self/status
cat /proc/self/comm
sleep 0.1 && echo "slept"
