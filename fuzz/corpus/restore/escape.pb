R

dist/a.whlD
@ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bbQ
	../escapeD
@ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bb