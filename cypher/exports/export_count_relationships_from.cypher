// name: export_count_relationships_from
// mode: read
// params: ids
// placeholders: rel
// purpose: How many relationships of a type start at the nodes with the ids $ids (an area's export), counted from each node's degree without reading the relationships: an upper bound of those exported (a relationship whose other end lies outside the area is not), which an export's progress bar counts towards until the table is written.
UNWIND $ids AS id
MATCH (a:Entity {id: id})
RETURN sum(COUNT { (a)-[:{{rel}}]->() }) AS n
